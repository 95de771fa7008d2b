import { Component, inject } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { Realtime } from './core/realtime/realtime.service';

@Component({
  selector: 'app-root',
  imports: [RouterOutlet],
  template: '<router-outlet />',
})
export class App {
  // Created with the app, so the socket follows the session wherever the user is.
  private readonly realtime = inject(Realtime);
}
