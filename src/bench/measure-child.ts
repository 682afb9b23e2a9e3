// Runs one measurement in its own process and prints one JSON line: {task, ms, packets, connections, maxRssKB}.
// Usage: node dist/bench/measure-child.js walk|pcap-parser|reader|floor|analyze|stage-decode|stage-tcp|stage-smtp FILE [JOBS]
// analyze runs with JOBS worker threads (default: what the CLI's --jobs auto picks for the file).
import { analyze } from '../analysis/analyzer.js';
import { autoJobs } from '../analysis/jobs.js';
import { tuneGarbageCollector } from '../analysis/gc-tuning.js';
import { CaptureInput } from '../capture/input.js';
import { readFrames } from '../capture/merge.js';
import { bareRecordWalk } from './bare-walk.js';
import { packetFloor } from './packet-floor.js';
import { pcapParserWalk } from './pcap-parser-walk.js';
import { runStage, STAGES, type Stage } from './stages.js';

async function main(): Promise<void> {
  const [task, file, jobsArg] = process.argv.slice(2);
  if (!task || !file) throw new Error('usage: measure-child walk|pcap-parser|reader|floor|analyze|stage-decode|stage-tcp|stage-smtp FILE');
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let packets = 0;
  let connections: number | null = null;
  let diagnosed: Record<string, number> | null = null;
  let jobs: number | null = null;
  let peakOpen: number | null = null;
  if (task === 'walk') packets = bareRecordWalk(file);
  else if (task === 'pcap-parser') packets = await pcapParserWalk(file);
  else if (task === 'floor') {
    const count = packetFloor(file);
    packets = count.tcpPackets;
    connections = count.connections;
  }
  else if (task === 'reader') {
    // Our own capture reader alone: every frame handed on, nothing decoded (compare with pcap-parser's events).
    await readFrames([new CaptureInput(file, 0)], () => packets++);
  }
  else if (task.startsWith('stage-') && STAGES.includes(task.slice(6) as Stage)) {
    tuneGarbageCollector(); // as the CLI runs
    const count = await runStage(file, task.slice(6) as Stage);
    packets = count.packets;
    connections = count.smtp;
  } else if (task === 'analyze') {
    tuneGarbageCollector(); // as the CLI runs
    // As the CLI runs without a selection: each connection is handed on as it is diagnosed, not held.
    const counts: Record<string, number> = {};
    let n = 0;
    jobs = jobsArg ? Number(jobsArg) : autoJobs([file]);
    const { report, errors, stats } = await analyze([file], {
      jobs,
      healthy: 'summary', // as the CLI's default text report asks
      onConnection: (c) => {
        n++;
        counts[c.diagnosis] = (counts[c.diagnosis] ?? 0) + 1;
        return null;
      },
    });
    if (errors.length) throw new Error(errors[0]!.message);
    packets = report.inputs[0]!.packets;
    connections = n;
    diagnosed = counts;
    peakOpen = stats.peakOpenConnections;
  } else throw new Error(`unknown task ${task}`);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(JSON.stringify({ task, ms, cpuMs, packets, connections, diagnosed, jobs, peakOpen, maxRssKB: process.resourceUsage().maxRSS }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`measure-child: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(2);
});
