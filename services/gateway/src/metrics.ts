export interface GatewayGauges {
  gatewayId: string;
  connections: number;
  users: number;
  rssBytes: number;
}

/**
 * The gateway's gauges in Prometheus' text format. `messenger_gateway_ws_connections` is what the
 * HorizontalPodAutoscaler scales on (deploy/k8s/components/gateway-ws-autoscaling), through a
 * metrics adapter: sockets, not CPU, are what fills a gateway.
 */
export const renderGatewayMetrics = (gauges: GatewayGauges): string => {
  const label = `{gateway="${gauges.gatewayId.replace(/["\\\n]/g, '_')}"}`;
  const gauge = (name: string, help: string, value: number) => `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name}${label} ${value}\n`;
  return (
    gauge('messenger_gateway_ws_connections', 'Open WebSocket connections on this gateway.', gauges.connections) +
    gauge('messenger_gateway_ws_users', 'Distinct users with a WebSocket on this gateway.', gauges.users) +
    gauge('process_resident_memory_bytes', 'Resident memory of the gateway process.', gauges.rssBytes)
  );
};
