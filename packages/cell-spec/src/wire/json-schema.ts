import { MAX_LIMIT_VALUE } from '../spec/schema.js';

type JsonSchema = { [key: string]: unknown };

const unitVariant = (name: string): JsonSchema[] => [
  { const: name },
  { type: 'object', properties: { [name]: { type: 'null' } }, required: [name], additionalProperties: false },
];

const newtypeVariant = (name: string): JsonSchema => ({
  type: 'object',
  properties: { [name]: { type: 'string' } },
  required: [name],
  additionalProperties: false,
});

const mapping = (description: string): JsonSchema => ({
  type: 'array',
  default: [],
  items: {
    type: 'object',
    description,
    properties: { source: { type: 'string' }, destination: { type: 'string' } },
    required: ['source', 'destination'],
  },
});

const limit = (description: string): JsonSchema => ({
  description,
  type: ['integer', 'null'],
  minimum: 0,
  maximum: MAX_LIMIT_VALUE,
});

/**
 * A JSON Schema (draft-07) of the request wire format, so tools in other languages can
 * validate requests. JSON Schema cannot express two rules the readers enforce: no
 * duplicate keys and no byte order mark. Returns a fresh object on every call; never throws.
 */
export function buildCellRequestJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/victorstewart/metalor/build-cell-request.schema.json',
    title: 'metalor build cell request',
    description:
      'The build-cell-request.json written by metalor (Rust serde JSON and @metalor/cell-spec). Keys must not repeat.',
    type: 'object',
    properties: {
      root: { type: 'string', description: 'Host path of the cell root filesystem.' },
      scratch: { type: 'string', description: 'Host path of the private staging area.' },
      workspace_path: { type: 'string', description: 'Absolute cell path of the workspace.' },
      workspace_seed: {
        description: 'How the workspace is filled.',
        oneOf: [...unitVariant('Empty'), newtypeVariant('SnapshotDir'), newtypeVariant('Archive')],
      },
      imports: mapping('A read-only input: host source, cell destination.'),
      caches: mapping('A read-write cache: host source, cell destination.'),
      exports: mapping('An output: cell source, host destination.'),
      command: {
        type: 'object',
        properties: {
          cwd: { type: 'string' },
          executable: { type: 'string' },
          argv: { type: 'array', items: { type: 'string' }, default: [] },
        },
        required: ['cwd', 'executable'],
      },
      env: {
        type: 'array',
        default: [],
        items: { type: 'array', items: [{ type: 'string' }, { type: 'string' }], minItems: 2, maxItems: 2 },
      },
      network: { oneOf: [...unitVariant('Enabled'), ...unitVariant('Disabled')], default: 'Enabled' },
      limits: {
        type: 'object',
        default: { cpu_time_seconds: null, memory_bytes: null, max_processes: null },
        properties: {
          cpu_time_seconds: limit('CPU time limit in seconds.'),
          memory_bytes: limit('Address space limit in bytes.'),
          max_processes: limit('Process count limit.'),
        },
      },
      cleanup: {
        oneOf: [...unitVariant('Always'), ...unitVariant('PreserveOnFailure'), ...unitVariant('Never')],
        default: 'Always',
      },
    },
    required: ['root', 'scratch', 'workspace_path', 'workspace_seed', 'command'],
  };
}
