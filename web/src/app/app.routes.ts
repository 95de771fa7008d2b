import { Routes } from '@angular/router';
import { signedInGuard, signedOutGuard } from './core/auth/auth.guards';

export const routes: Routes = [
  { path: 'sign-in', canActivate: [signedOutGuard], loadComponent: () => import('./features/auth/sign-in.component').then((m) => m.SignInComponent) },
  { path: 'register', canActivate: [signedOutGuard], loadComponent: () => import('./features/auth/register.component').then((m) => m.RegisterComponent) },
  {
    path: '',
    canActivate: [signedInGuard],
    loadComponent: () => import('./features/messenger/messenger.component').then((m) => m.MessengerComponent),
    children: [
      { path: '', loadComponent: () => import('./features/messenger/no-chat.component').then((m) => m.NoChatComponent) },
      { path: 'chats/:chatId', loadComponent: () => import('./features/messenger/conversation/conversation.component').then((m) => m.ConversationComponent) },
    ],
  },
  { path: '**', redirectTo: '' },
];
