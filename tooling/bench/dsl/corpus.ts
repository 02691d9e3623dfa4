/**
 * Deterministic corpus of build files for the @metalor/dsl benchmark: the same
 * seed always yields the same text, so runs on different machines compare.
 */

/** Variables referenced by the corpus; every `${NAME}` in it is defined here. */
export const CORPUS_VARIABLES: ReadonlyMap<string, string> = new Map([
  ['BASE', 'busybox'],
  ['CHANNEL', 'stable'],
  ['PROFILE', 'release'],
  ['PREFIX', '/opt/metalor'],
  ['USER_NAME', 'builder'],
  ['VERSION', '1.2.3'],
  ['TARGET', 'aarch64-unknown-linux-musl'],
]);

const NAMES = [...CORPUS_VARIABLES.keys()];
const WORDS = ['make', 'install', 'build', 'test', 'clean', 'lint', 'pack', 'curl', 'git', 'tar', 'gzip', 'strip'];
const PACKAGES = ['curl', 'git', 'ca-certificates', 'build-base', 'openssl-dev', 'zlib-dev', 'musl-dev', 'cmake', 'ninja'];

/** mulberry32: tiny, fast, deterministic. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick };
}

type Random = ReturnType<typeof createRandom>;

const reference = (random: Random) => `\${${random.pick(NAMES)}}`;
const indent = (random: Random) => random.pick(['', '', '  ', '    ', '\t']);
const trailer = (random: Random) => random.pick(['', '', '', ' ', '\t', ' \t']);

/** One build file (a "stage") of roughly 1.5 KB mixing every line shape the benchmark must cover. */
function generateStage(random: Random, index: number): string {
  const lines: string[] = [
    `# stage ${index}: ${random.pick(WORDS)} ${random.pick(WORDS)} for \${CHANNEL}`,
    `FROM ${reference(random)}:${Math.floor(random.next() * 100)}`,
    '',
    `ARG STAGE_${index}=${random.pick(WORDS)}`,
    `${indent(random)}ENV PATH=${reference(random)}/bin:/usr/bin${trailer(random)}`,
    `${indent(random)}WORKDIR /src/${random.pick(WORDS)}/${reference(random)}${trailer(random)}`,
  ];
  const steps = 3 + Math.floor(random.next() * 4);
  for (let step = 0; step < steps; step++) {
    const word = random.pick(WORDS);
    switch (Math.floor(random.next() * 5)) {
      case 0:
        lines.push(`RUN ["sh", "-c", "echo \\"${word} ${reference(random)}\\" && ${word} -j4 --prefix=${reference(random)}"]`);
        break;
      case 1:
        lines.push(`${indent(random)}RUN ["${word}", "--profile", "${reference(random)}", "--quote=\\"a b\\"", "--target=${reference(random)}"]${trailer(random)}`);
        break;
      case 2:
        lines.push(`RUN apk add --no-cache \\`);
        for (let count = 1 + Math.floor(random.next() * 3); count > 0; count--) {
          lines.push(`${random.pick(['    ', '\t', '      '])}${random.pick(PACKAGES)} \\${trailer(random)}`);
        }
        if (random.next() < 0.3) lines.push('    # a comment inside a continuation');
        lines.push(`    && ${word} --version ${reference(random)}`);
        break;
      case 3:
        lines.push(`${indent(random)}# ${word}: keep ${random.pick(PACKAGES)} pinned${trailer(random)}`, '');
        break;
      default:
        lines.push(`COPY --chown=${reference(random)} ./${word} ${reference(random)}/${word}${trailer(random)}`);
    }
  }
  lines.push(`USER ${reference(random)}`, `CMD ["/usr/local/bin/${random.pick(WORDS)}", "--channel=${reference(random)}"]`, '', '');
  return lines.join(random.next() < 0.1 ? '\r\n' : '\n');
}

/**
 * Builds at least `minBytes` of UTF-8 build files from `seed`. Stages are
 * joined whole, so any prefix ending at a stage boundary is itself a valid file.
 */
export function generateCorpus(minBytes: number, seed = 0x5eed): { text: string; stageEnds: number[] } {
  const random = createRandom(seed);
  const stages: string[] = [];
  const stageEnds: number[] = [];
  let length = 0;
  while (length < minBytes) {
    const stage = generateStage(random, stages.length);
    stages.push(stage);
    length += stage.length; // the corpus is ASCII: characters are bytes
    stageEnds.push(length);
  }
  return { text: stages.join(''), stageEnds };
}
