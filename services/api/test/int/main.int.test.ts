import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestContext } from '@bg/testing';
import { hashToken } from '../../src/domain/auth';
import { eventually } from './support';

const entry = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the api process', () => {
  it('starts from its environment alone, answers on API_PORT, and stops cleanly on SIGTERM', async () => {
    const ctx = await createTestContext();
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', entry], {
      env: { ...process.env, ...ctx.env, API_PORT: String(port), API_TOKENS: `read:sha256:${hashToken('reader')}` },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

    await eventually(async () => {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status, stderr).toBe(200);
    }, 45_000);
    const roles = await fetch(`http://127.0.0.1:${port}/v1/roles`, { headers: { authorization: 'Bearer reader' } });
    expect(roles.status).toBe(200);
    expect(((await roles.json()) as { items: unknown[] }).items).toHaveLength(6);

    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
  });
});
