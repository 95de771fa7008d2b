import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, from, switchMap, throwError } from 'rxjs';
import { AuthStore } from './auth.store';

/** Adds the access token to API calls, and on an expired token refreshes once and retries. */
export const authInterceptor: HttpInterceptorFn = (request, next) => {
  const auth = inject(AuthStore);
  if (!request.url.startsWith('/api/') || request.url.startsWith('/api/auth/')) return next(request);
  const withToken = () => {
    const token = auth.accessToken();
    return next(token ? request.clone({ setHeaders: { authorization: `Bearer ${token}` } }) : request);
  };
  return withToken().pipe(
    catchError((error: unknown) => {
      const expired = error instanceof HttpErrorResponse && error.status === 401 && (error.error as { error?: { code?: string } })?.error?.code === 'TOKEN_EXPIRED';
      if (!expired) return throwError(() => error);
      return from(auth.refresh()).pipe(switchMap((ok) => (ok ? withToken() : throwError(() => error))));
    }),
  );
};
