import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { LoginBody, RegisterBody, SUBJECT } from '@messenger/contracts';
import { ClientIp, ZodPipe } from '@messenger/kit';
import { AuthService } from './auth.service.js';

/** Refresh and logout carry only the cookie's token, which the gateway adds to the payload. */
const CookieToken = z.strictObject({ refreshToken: z.string().min(1).max(200).optional() });

@Controller()
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @MessagePattern(SUBJECT.users.register)
  register(@Payload(new ZodPipe(RegisterBody)) body: z.infer<typeof RegisterBody>) {
    return this.auth.register(body);
  }

  @MessagePattern(SUBJECT.users.login)
  login(@Payload(new ZodPipe(LoginBody)) body: z.infer<typeof LoginBody>, @ClientIp() clientIp: string | undefined) {
    return this.auth.login(body, clientIp);
  }

  @MessagePattern(SUBJECT.users.refresh)
  refresh(@Payload(new ZodPipe(CookieToken)) body: z.infer<typeof CookieToken>) {
    return this.auth.refresh(body.refreshToken);
  }

  @MessagePattern(SUBJECT.users.logout)
  async logout(@Payload(new ZodPipe(CookieToken)) body: z.infer<typeof CookieToken>) {
    await this.auth.logout(body.refreshToken);
    return {};
  }
}
