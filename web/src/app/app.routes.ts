import { Routes } from '@angular/router';
import { signedInGuard, signedOutGuard } from './core/auth/auth.guards';

export const routes: Routes = [
  { path: 'sign-in', canActivate: [signedOutGuard], loadComponent: () => import('./features/auth/sign-in.component').then((m) => m.SignInComponent) },
  { path: 'register', canActivate: [signedOutGuard], loadComponent: () => import('./features/auth/register.component').then((m) => m.RegisterComponent) },
  { path: '', canActivate: [signedInGuard], loadComponent: () => import('./features/home/home.component').then((m) => m.HomeComponent) },
  { path: '**', redirectTo: '' },
];
