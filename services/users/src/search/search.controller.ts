import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { z } from 'zod';
import { SUBJECT, UserSearchQuery } from '@messenger/contracts';
import { AuthCaller, ZodPipe, type Caller } from '@messenger/kit';
import { SearchService } from './search.service.js';

@Controller()
export class SearchController {
  constructor(@Inject(SearchService) private readonly searchService: SearchService) {}

  @MessagePattern(SUBJECT.users.search)
  search(@AuthCaller() caller: Caller, @Payload(new ZodPipe(UserSearchQuery)) query: z.infer<typeof UserSearchQuery>) {
    return this.searchService.search(caller.userId, query);
  }
}
