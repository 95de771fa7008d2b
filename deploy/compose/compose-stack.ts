import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * docker-compose.yml brought up for tests, the way an operator runs it: the images built from the repo, secrets in a
 * generated env file and key files, two gateways behind nginx. On this machine (no registry) deploy/compose/local.yml
 * swaps in the locally built images; COMPOSE_PUBLIC_IMAGES=1 leaves the public ones where they can be pulled.
 * Everything published binds to 127.0.0.1.
 */
export class ComposeStack {
  readonly dir = mkdtempSync(join(tmpdir(), 'compose-test-'));
  readonly secrets: Record<string, string>;
  private readonly files: string[];

  constructor(
    readonly root: string,
    readonly project: string,
    readonly httpPort: number,
  ) {
    const hex = (n: number) => randomBytes(n).toString('hex');
    const publicImages = process.env.COMPOSE_PUBLIC_IMAGES === '1';
    this.secrets = {
      COMPOSE_PROJECT_NAME: project,
      PUBLISH_ADDRESS: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      MONGO_PASSWORD: hex(24),
      REDIS_PASSWORD: hex(24),
      URL_SIGNING_SECRET: hex(32),
      LIVEKIT_API_KEY: `API${hex(6)}`,
      LIVEKIT_API_SECRET: hex(32),
      NATS_GATEWAY_PASSWORD: `n${hex(24)}`,
      NATS_USERS_PASSWORD: `n${hex(24)}`,
      NATS_GROUPS_PASSWORD: `n${hex(24)}`,
      NATS_CALLS_PASSWORD: `n${hex(24)}`,
      IMAGE_REGISTRY: 'messenger-test',
      IMAGE_TAG: 'compose',
    };
    writeFileSync(
      join(this.dir, '.env'),
      Object.entries(this.secrets)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(this.dir, 'jwt-private.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(this.dir, 'jwt-public.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    // Read by the containers' user (uid 1000), as the README's chmod does for .secrets/.
    for (const file of ['jwt-private.pem', 'jwt-public.pem']) chmodSync(join(this.dir, file), 0o644);
    // The key files live here rather than in the checkout's .secrets/, which may hold someone's real ones. The
    // `services` entry is there because Compose 1.29 reads an extension file without one as the old v1 format.
    writeFileSync(
      join(this.dir, 'test.yml'),
      [
        'services:',
        '  nginx:',
        '    labels:',
        `      messenger.test: ${project}`,
        // One address signs up every test person, the fault tests send as fast as answers come, and the call
        // journey starts calls one after another: those limits are lifted, as in the other test stacks.
        '  users:',
        '    environment:',
        '      RATE_LIMITS: register=1000/3600',
        '  groups:',
        '    environment:',
        '      RATE_LIMITS: send=10000/10',
        '  calls:',
        '    environment:',
        "      CALL_STARTS_PER_MINUTE: '60'",
        // A second LiveKit node on the same Redis, as the Kubernetes layout runs several: rooms are spread over
        // both, and signalling reaches a room's node through either. Its media uses one UDP port of its own.
        '  livekit-2:',
        `    image: ${publicImages ? 'livekit/livekit-server:v1.13.5' : 'local/livekit:1.13'}`,
        '    restart: unless-stopped',
        "    command: ['--config', '/etc/livekit.yaml', '--udp-port', '7892']",
        '    environment:',
        "      LIVEKIT_KEYS: '${LIVEKIT_API_KEY}: ${LIVEKIT_API_SECRET}'",
        '      LIVEKIT_WEBHOOK_API_KEY: ${LIVEKIT_API_KEY}',
        '      REDIS_PASSWORD: ${REDIS_PASSWORD}',
        '      NODE_IP: 127.0.0.1',
        '    volumes:',
        `      - ${join(root, 'deploy', 'compose', 'livekit.yaml')}:/etc/livekit.yaml:ro`,
        '    ports:',
        "      - '127.0.0.1:7892:7892/udp'",
        '    networks: [backend, edge]',
        '    depends_on: [redis]',
        '    healthcheck:',
        "      test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:7880/']",
        '      interval: 5s',
        '      timeout: 3s',
        '      retries: 5',
        'secrets:',
        '  jwt_private_key:',
        `    file: ${join(this.dir, 'jwt-private.pem')}`,
        '  jwt_public_key:',
        `    file: ${join(this.dir, 'jwt-public.pem')}`,
        '',
      ].join('\n'),
    );
    this.files = [
      join(root, 'docker-compose.yml'),
      ...(publicImages ? [] : [join(root, 'deploy', 'compose', 'local.yml')]),
      join(this.dir, 'test.yml'),
    ];
  }

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  /** Compose v2 (`docker compose`) where the engine has it, Debian's docker-compose 1.29 otherwise. */
  private static command(): string[] {
    return spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0 ? ['docker', 'compose'] : ['docker-compose'];
  }

  /** Runs a compose command and resolves with its output; rejects with the output's end when it fails. */
  compose(args: string[], timeoutMs = 600_000): Promise<string> {
    const [command, ...prefix] = ComposeStack.command();
    const full = [...prefix, '--env-file', join(this.dir, '.env'), '-p', this.project, ...this.files.flatMap((f) => ['-f', f]), ...args];
    return run(command!, full, this.root, timeoutMs);
  }

  docker(args: string[], timeoutMs = 60_000): Promise<string> {
    return run('docker', args, this.root, timeoutMs);
  }

  /**
   * Builds the images and starts everything, returning once every container says it is healthy. Whatever a run cut
   * short left under this project's name goes first.
   */
  async up(): Promise<void> {
    await this.compose(['down', '-v', '--remove-orphans'], 180_000).catch(() => undefined);
    await this.compose(['build'], 1_500_000);
    await this.compose(['up', '-d'], 600_000);
    await this.waitHealthy();
  }

  /** The ids of a service's containers (two for the gateway). */
  async containers(service: string): Promise<string[]> {
    return (await this.compose(['ps', '-q', service])).split('\n').filter(Boolean);
  }

  /** The LiveKit node a room lives on (LiveKit's own map in Redis, database 1), or '' while it has none. */
  async liveKitNodeOf(room: string): Promise<string> {
    const [redis] = await this.containers('redis');
    return (await this.docker(['exec', redis!, 'redis-cli', '-n', '1', 'HGET', 'room_node_map', room])).trim();
  }

  /** A LiveKit container's node id, from the line it logs at start. */
  async liveKitNodeId(service: 'livekit' | 'livekit-2'): Promise<string> {
    const [id] = await this.containers(service);
    return /"nodeID": "(ND_\w+)"/.exec(await this.docker(['logs', id!]))?.[1] ?? '';
  }

  /** `name=health` for each container: its healthcheck's verdict, or its state where it has no healthcheck. */
  private async states(ids: string[]): Promise<string[]> {
    const format = '{{ .Name }}={{ if .State.Health }}{{ .State.Health.Status }}{{ else }}{{ .State.Status }}{{ end }}';
    return (await this.docker(['inspect', '-f', format, ...ids])).split('\n').filter(Boolean);
  }

  async health(id: string): Promise<string> {
    return (await this.states([id]))[0]!.split('=').at(-1)!;
  }

  async waitHealthy(timeoutMs = 300_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const ids = (await this.compose(['ps', '-q'])).split('\n').filter(Boolean);
      const states = ids.length > 0 ? await this.states(ids) : [];
      last = states.join(' ');
      if (ids.length > 0 && states.every((s) => s.endsWith('=healthy'))) return;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    throw new Error(
      `not every container became healthy within ${timeoutMs} ms: ${last}\n${await this.compose(['logs', '--tail', '30']).catch(String)}`,
    );
  }

  /** Stops and removes the containers, networks and volumes, and the generated secrets. */
  async down(): Promise<void> {
    await this.compose(['down', '-v', '--remove-orphans'], 180_000).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const run = (command: string, args: string[], cwd: string, timeoutMs: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.slice(-4).join(' ')} exited ${code}: ${output.slice(-3_000)}`));
    });
  });

/** Whether a Docker engine answers here: the compose suite needs one (scripts/containers.sh starts it). */
export const dockerAvailable = (): boolean => spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
