import { HttpClient, HttpParams, type HttpEvent } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom, type Observable } from 'rxjs';
import type {
  Attachment,
  Call,
  CallHistory,
  Chat,
  CreateGroupBody,
  Message,
  MessageReactions,
  Permissions,
  PresenceStatus,
  ReadState,
  UpdateChatBody,
  UpdateMemberBody,
  User,
  UserSummary,
} from '@messenger/contracts';
import type { z } from 'zod';
import { ApiError } from './api-error';

export interface CallWithJoin {
  call: Call;
  join: { url: string; token: string } | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The HTTP API as the app uses it, typed by the contracts the gateway routes from
 * (libs/contracts/src/routes.ts). Every failure comes out as an ApiError with the stable code.
 */
@Injectable({ providedIn: 'root' })
export class Api {
  private readonly http = inject(HttpClient);

  chats(): Promise<Page<Chat>> {
    return this.call(this.http.get<Page<Chat>>('/api/chats'));
  }

  chat(chatId: string): Promise<Chat> {
    return this.call(this.http.get<Chat>(`/api/chats/${chatId}`));
  }

  personalChat(userId: string): Promise<Chat> {
    return this.call(this.http.post<Chat>('/api/chats/personal', { userId }));
  }

  createGroup(body: z.input<typeof CreateGroupBody>): Promise<Chat> {
    return this.call(this.http.post<Chat>('/api/chats', body));
  }

  updateChat(chatId: string, body: z.input<typeof UpdateChatBody>): Promise<Chat> {
    return this.call(this.http.patch<Chat>(`/api/chats/${chatId}`, body));
  }

  deleteChat(chatId: string): Promise<void> {
    return this.call(this.http.delete<void>(`/api/chats/${chatId}`));
  }

  uploadChatAvatar(chatId: string, image: Blob): Promise<Chat> {
    return this.call(this.http.put<Chat>(`/api/chats/${chatId}/avatar`, image, { headers: { 'content-type': image.type } }));
  }

  addMembers(chatId: string, userIds: string[]): Promise<Chat> {
    return this.call(this.http.post<Chat>(`/api/chats/${chatId}/members`, { userIds }));
  }

  /** Removing myself is leaving. */
  removeMember(chatId: string, userId: string): Promise<void> {
    return this.call(this.http.delete<void>(`/api/chats/${chatId}/members/${userId}`));
  }

  updateMember(chatId: string, userId: string, body: z.input<typeof UpdateMemberBody> & { permissions?: Partial<Permissions> }): Promise<Chat> {
    return this.call(this.http.patch<Chat>(`/api/chats/${chatId}/members/${userId}`, body));
  }

  transferOwnership(chatId: string, userId: string): Promise<Chat> {
    return this.call(this.http.post<Chat>(`/api/chats/${chatId}/owner`, { userId }));
  }

  /** Newest first, older than `before`; or oldest first, newer than `after` (re-sync). */
  messages(chatId: string, query: { before?: number; after?: number; limit?: number }): Promise<Page<Message>> {
    let params = new HttpParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params = params.set(key, value);
    return this.call(this.http.get<Page<Message>>(`/api/chats/${chatId}/messages`, { params }));
  }

  send(chatId: string, text: string, clientId: string, extra: { replyToId?: string; attachmentIds?: string[] } = {}): Promise<Message> {
    return this.call(this.http.post<Message>(`/api/chats/${chatId}/messages`, { text, clientId, ...extra }));
  }

  editMessage(chatId: string, messageId: string, text: string): Promise<Message> {
    return this.call(this.http.patch<Message>(`/api/chats/${chatId}/messages/${messageId}`, { text }));
  }

  deleteMessage(chatId: string, messageId: string): Promise<void> {
    return this.call(this.http.delete<void>(`/api/chats/${chatId}/messages/${messageId}`));
  }

  /** Adds (`on`) or takes back my reaction; the answer is the message's reactions, whole. */
  react(chatId: string, messageId: string, emoji: string, on: boolean): Promise<MessageReactions> {
    const url = `/api/chats/${chatId}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`;
    return this.call(on ? this.http.put<MessageReactions>(url, {}) : this.http.delete<MessageReactions>(url));
  }

  /** Newest first; `cursor` (a page's nextCursor) continues further back. */
  searchMessages(chatId: string, q: string, cursor?: string): Promise<Page<Message>> {
    const params: Record<string, string> = cursor ? { q, cursor } : { q };
    return this.call(this.http.get<Page<Message>>(`/api/chats/${chatId}/messages/search`, { params }));
  }

  /** Uploads a file to send with a message, reporting progress; unsubscribing cancels it. Errors stay HttpErrorResponse. */
  uploadAttachment(chatId: string, file: File): Observable<HttpEvent<Attachment>> {
    return this.http.post<Attachment>(`/api/chats/${chatId}/attachments`, file, {
      params: { filename: file.name.slice(-255) || 'file' },
      headers: { 'content-type': file.type || 'application/octet-stream' },
      reportProgress: true,
      observe: 'events',
    });
  }

  markRead(chatId: string, messageId: string): Promise<ReadState> {
    return this.call(this.http.post<ReadState>(`/api/chats/${chatId}/read`, { messageId }));
  }

  searchUsers(q: string, limit = 20): Promise<Page<UserSummary>> {
    return this.call(this.http.get<Page<UserSummary>>('/api/users/search', { params: { q, limit } }));
  }

  /** My display name and bio. */
  updateMe(body: { name?: string; bio?: string }): Promise<User> {
    return this.call(this.http.patch<User>('/api/users/me', body));
  }

  /** My picture: the image itself as the body (the server stores a 256×256 WebP). */
  uploadMyAvatar(image: Blob): Promise<User> {
    return this.call(this.http.put<User>('/api/users/me/avatar', image, { headers: { 'content-type': image.type } }));
  }

  presence(ids: string[]): Promise<{ items: PresenceStatus[] }> {
    return this.call(this.http.get<{ items: PresenceStatus[] }>('/api/users/presence', { params: { ids: ids.join(',') } }));
  }

  /** Starts a call in the chat, or joins the live one; `join` is null when it ended at once (busy). */
  startCall(chatId: string, type: 'audio' | 'video'): Promise<CallWithJoin> {
    return this.call(this.http.post<CallWithJoin>('/api/calls', { chatId, type }));
  }

  /** Calls I am in or being rung for: after a reload, to ring again or offer to rejoin. */
  activeCalls(): Promise<{ items: Call[] }> {
    return this.call(this.http.get<{ items: Call[] }>('/api/calls/active'));
  }

  joinCall(callId: string): Promise<CallWithJoin> {
    return this.call(this.http.post<CallWithJoin>(`/api/calls/${callId}/join`, {}));
  }

  declineCall(callId: string): Promise<Call> {
    return this.call(this.http.post<Call>(`/api/calls/${callId}/decline`, {}));
  }

  leaveCall(callId: string): Promise<Call> {
    return this.call(this.http.post<Call>(`/api/calls/${callId}/leave`, {}));
  }

  endCall(callId: string): Promise<Call> {
    return this.call(this.http.post<Call>(`/api/calls/${callId}/end`, {}));
  }

  muteParticipant(callId: string, userId: string): Promise<Call> {
    return this.call(this.http.post<Call>(`/api/calls/${callId}/participants/${userId}/mute`, {}));
  }

  removeParticipant(callId: string, userId: string): Promise<Call> {
    return this.call(this.http.delete<Call>(`/api/calls/${callId}/participants/${userId}`));
  }

  /** Raises or lowers my own hand in the call. */
  setHand(callId: string, raised: boolean): Promise<unknown> {
    const url = `/api/calls/${callId}/hand`;
    return this.call(raised ? this.http.put(url, {}) : this.http.delete(url));
  }

  /** A moderator lowers someone else's hand. */
  lowerHandOf(callId: string, userId: string): Promise<unknown> {
    return this.call(this.http.delete(`/api/calls/${callId}/participants/${userId}/hand`));
  }

  ringAgain(callId: string, userId: string): Promise<Call> {
    return this.call(this.http.post<Call>(`/api/calls/${callId}/participants/${userId}/ring`, {}));
  }

  callHistory(chatId: string): Promise<z.infer<typeof CallHistory>> {
    return this.call(this.http.get<z.infer<typeof CallHistory>>(`/api/chats/${chatId}/calls`));
  }

  /** The chat's call log, newest first: at most `limit` (the server allows up to 100). */
  callLog(chatId: string, limit: number): Promise<z.infer<typeof CallHistory>> {
    return this.call(this.http.get<z.infer<typeof CallHistory>>(`/api/chats/${chatId}/calls`, { params: { limit } }));
  }

  private async call<T>(request: Observable<T>): Promise<T> {
    try {
      return await firstValueFrom(request);
    } catch (error) {
      throw ApiError.from(error);
    }
  }
}
