export { finalizeBuildCell } from './finalize.js';
export { buildCellReexecCommand } from './stage.js';
