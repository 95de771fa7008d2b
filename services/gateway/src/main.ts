import { loadConfig } from '@messenger/kit/edge';
import { GatewayConfig } from './config.js';
import { startGateway } from './gateway.js';

const config = loadConfig(GatewayConfig);
startGateway(config).then(
  (gateway) => {
    const onSignal = (signal: NodeJS.Signals) => {
      gateway.logger.info({ signal }, 'signal received');
      void gateway.stop().then(() => process.exit(0));
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  },
  (error: unknown) => {
    process.stderr.write(`gateway: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
