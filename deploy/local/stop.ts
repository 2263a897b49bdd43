/** `npm run stop`: stops what `npm start` started (supervisor, services, broker), found by their pid files. */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stopKafka, stopProcess } from '@bg/infra';
import { localSettings } from './src/index';

const settings = localSettings();
const supervisorPid = join(settings.runDir, 'supervisor.pid');
if (existsSync(supervisorPid)) {
  await stopProcess(Number(readFileSync(supervisorPid, 'utf8')), 30_000);
  rmSync(supervisorPid, { force: true });
}
if (existsSync(settings.pidsDir)) {
  for (const file of readdirSync(settings.pidsDir)) {
    await stopProcess(Number(readFileSync(join(settings.pidsDir, file), 'utf8')));
    rmSync(join(settings.pidsDir, file), { force: true });
  }
}
const stoppedKafka = await stopKafka(settings.kafkaDir);
console.log(`stopped${stoppedKafka ? ' (including Kafka)' : ''}`);
