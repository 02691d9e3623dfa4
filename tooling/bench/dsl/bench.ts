/**
 * @metalor/dsl vs dockerfile-ast on the same deterministic build-file corpus.
 * The corpus is a sequence of small build files; each side reads every file, one at a time.
 * Run from tooling/bench: pnpm bench:dsl
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DockerfileParser } from 'dockerfile-ast';
import { interpolateBracedVariables, parseExecArray, significantLines } from '@metalor/dsl';
import { CORPUS_VARIABLES, generateCorpus } from './corpus.js';

const CORPUS_BYTES = 10 * 1024 * 1024;
const OUR_ROUNDS = 7;
const PEER_ROUNDS = 3;

interface Work {
  checksum: number;
  units: number;
}

interface Measurement extends Work {
  bytes: number;
  /** Wall-clock time. */
  seconds: number;
  /** CPU time of this process (user + system): less sensitive to other work on a shared machine. */
  cpuSeconds: number;
}

/** (a) ours: every significant line, every exec array parsed, every line with a reference interpolated. */
function readWithOurs(files: readonly string[]): Work {
  let checksum = 0;
  let units = 0;
  for (const file of files) {
    for (const { text: line } of significantLines(file)) {
      units++;
      const space = line.indexOf(' ');
      if (space !== -1 && line.charCodeAt(space + 1) === 0x5b) {
        checksum += parseExecArray(line.slice(space + 1)).length;
      }
      if (line.includes('${')) {
        checksum += interpolateBracedVariables(line, CORPUS_VARIABLES, 'ARG').length;
      }
    }
  }
  return { checksum, units };
}

/** (b) dockerfile-ast: parse, then read every instruction's arguments. */
function readWithPeer(files: readonly string[]): Work {
  let checksum = 0;
  let units = 0;
  for (const file of files) {
    for (const instruction of DockerfileParser.parse(file).getInstructions()) {
      units++;
      for (const argument of instruction.getArguments()) checksum += argument.getValue().length;
    }
  }
  return { checksum, units };
}

/** Runs `read` over `text`, timing it in wall-clock and CPU time. */
function measure(read: (files: readonly string[]) => Work, files: readonly string[]): Measurement {
  const bytes = files.reduce((sum, file) => sum + Buffer.byteLength(file), 0);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const work = read(files);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { ...work, bytes, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

const perSecond = ({ bytes, seconds }: Measurement) => bytes / 1e6 / seconds;
const perCpuSecond = ({ bytes, cpuSeconds }: Measurement) => bytes / 1e6 / cpuSeconds;

function median(measurements: Measurement[]): Measurement {
  const sorted = [...measurements].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The corpus is a sequence of build files; each side reads them one file at a time, as a tool would. */
function splitFiles(text: string, stageEnds: number[]): string[] {
  return stageEnds.map((end, index) => text.slice(index === 0 ? 0 : stageEnds[index - 1], end));
}

const format = (value: number, digits = 2) => value.toFixed(digits);

const loadAtStart = loadavg()[0]!;
const { text, stageEnds } = generateCorpus(CORPUS_BYTES);
const files = splitFiles(text, stageEnds);

// Warm both up on a few files so the JIT has compiled the hot paths.
const warmup = files.slice(0, 40);
for (let round = 0; round < 3; round++) {
  readWithOurs(warmup);
  readWithPeer(warmup);
}

// Interleave the runs so load from other processes on the machine hits both sides alike.
const ourRuns: Measurement[] = [];
const peerRuns: Measurement[] = [];
for (let round = 0; round < OUR_ROUNDS; round++) {
  ourRuns.push(measure(readWithOurs, files));
  if (round % 2 === 1 && peerRuns.length < PEER_ROUNDS) peerRuns.push(measure(readWithPeer, files));
}
const ours = median(ourRuns);
const peer = median(peerRuns);

console.log(`corpus: ${format(ours.bytes / 1e6)} MB (${ours.bytes} bytes), deterministic seed; MB = 10^6 bytes`);
console.log(
  `machine: Node ${process.version}, ${availableParallelism()} cores, load average ${format(loadAtStart)} at start (other work slows both sides)`,
);
console.log(
  `@metalor/dsl   significantLines + parseExecArray + interpolateBracedVariables over the whole corpus, file by file: ` +
    `${format(perSecond(ours), 1)} MB/s (median of ${OUR_ROUNDS} runs, ${format(ours.seconds * 1000, 1)} ms, ` +
    `${ours.units} significant lines, checksum ${ours.checksum})`,
);
console.log(
  `dockerfile-ast DockerfileParser.parse + every instruction's getArguments(): ${format(perSecond(peer), 3)} MB/s ` +
    `(median of ${PEER_ROUNDS} runs over the same ${format(peer.bytes / 1e6)} MB in ${files.length} files; ` +
    `${format(peer.seconds * 1000, 0)} ms, ${peer.units} instructions, checksum ${peer.checksum})`,
);
console.log(`ratio: @metalor/dsl is ${format(perSecond(ours) / perSecond(peer), 0)}x dockerfile-ast (target >= 200x, ours >= 100 MB/s)`);
console.log(
  `per CPU-second (same runs): @metalor/dsl ${format(perCpuSecond(ours), 1)} MB/s, ` +
    `dockerfile-ast ${format(perCpuSecond(peer), 3)} MB/s, ratio ${format(perCpuSecond(ours) / perCpuSecond(peer), 0)}x`,
);
