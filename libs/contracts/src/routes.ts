import { z } from 'zod';
import { defineRoute, type RouteContract } from './route.js';
import { SUBJECT } from './subjects.js';
import { AuthResult, LoginBody, RegisterBody, UpdateMeBody, User, UserIdParams } from './schemas/users.js';

/** Every public HTTP route, in the order the OpenAPI document lists them. */
export const ROUTES = [
  defineRoute({
    method: 'POST',
    path: '/api/auth/register',
    subject: SUBJECT.users.register,
    summary: 'Create an account and sign in',
    tag: 'auth',
    auth: 'none',
    body: RegisterBody,
    response: AuthResult,
    successStatus: 201,
    refreshCookie: 'set',
  }),
  defineRoute({
    method: 'POST',
    path: '/api/auth/login',
    subject: SUBJECT.users.login,
    summary: 'Sign in with username and password',
    tag: 'auth',
    auth: 'none',
    body: LoginBody,
    response: AuthResult,
    refreshCookie: 'set',
  }),
  defineRoute({
    method: 'POST',
    path: '/api/auth/refresh',
    subject: SUBJECT.users.refresh,
    summary: 'Exchange the refresh cookie for a new access token (the cookie rotates)',
    tag: 'auth',
    auth: 'none',
    response: AuthResult,
    refreshCookie: 'read-and-set',
  }),
  defineRoute({
    method: 'POST',
    path: '/api/auth/logout',
    subject: SUBJECT.users.logout,
    summary: 'End the session of the refresh cookie',
    tag: 'auth',
    auth: 'none',
    response: z.object({}),
    successStatus: 204,
    refreshCookie: 'read-and-clear',
  }),
  defineRoute({
    method: 'GET',
    path: '/api/users/me',
    subject: SUBJECT.users.me,
    summary: 'The signed-in user',
    tag: 'users',
    auth: 'required',
    response: User,
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/users/me',
    subject: SUBJECT.users.updateMe,
    summary: 'Edit the signed-in user (name, bio)',
    tag: 'users',
    auth: 'required',
    body: UpdateMeBody,
    response: User,
  }),
  defineRoute({
    method: 'GET',
    path: '/api/users/:id',
    subject: SUBJECT.users.getById,
    summary: 'A user by id',
    tag: 'users',
    auth: 'required',
    params: UserIdParams,
    response: User,
  }),
] as const satisfies readonly RouteContract[];

export type Route = (typeof ROUTES)[number];
