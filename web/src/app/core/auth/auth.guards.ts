import { inject } from '@angular/core';
import { toObservable } from '@angular/core/rxjs-interop';
import { Router, type CanActivateFn } from '@angular/router';
import { filter, map, take } from 'rxjs';
import { AuthStore } from './auth.store';

const settled = () => {
  const auth = inject(AuthStore);
  return toObservable(auth.status).pipe(
    filter((status) => status !== 'unknown'),
    take(1),
  );
};

/** Pages for signed-in people: others go to the sign-in screen. */
export const signedInGuard: CanActivateFn = () => {
  const router = inject(Router);
  return settled().pipe(map((status) => (status === 'signed-in' ? true : router.parseUrl('/sign-in'))));
};

/** Sign-in and register: someone already signed in goes to the app. */
export const signedOutGuard: CanActivateFn = () => {
  const router = inject(Router);
  return settled().pipe(map((status) => (status === 'signed-out' ? true : router.parseUrl('/'))));
};
