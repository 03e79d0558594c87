/**
 * @theoryml/rasp: a RASP-L interpreter with the programs of Zhou et al. 2024 ("What Algorithms can
 * Transformers Learn? A Study in Length Generalization"), their length-generalization tasks and
 * tokenizers, in plain TypeScript. The small causal transformer on tfjs, trained with the paper's
 * recipe, is the `@theoryml/rasp/tf` entry.
 * @packageDocumentation
 */
export {
  aggregate,
  always,
  equals,
  full,
  greaterOrEqual,
  greaterThan,
  indexAdd,
  indices,
  kqv,
  lessOrEqual,
  lessThan,
  notEquals,
  select,
  selectAnd,
  selWidth,
  seqMap,
  toSequence,
  tokMap,
  type AggregateOptions,
  type Predicate,
  type Selector,
  type Sequence,
  type SequenceLike,
} from './rasp'
export {
  argmax,
  argmin,
  cumsum,
  firsts,
  hasSeen,
  indexSelect,
  induct,
  inductPrev,
  lasts,
  mask,
  maximum,
  minimum,
  numPrev,
  shiftRight,
  where,
} from './library'
export {
  ADD_DIGIT0,
  ADD_HINT0,
  ADD_PLUS,
  additionProgram,
  andProgram,
  copyUniqueProgram,
  countProgram,
  modeProgram,
  runAutoregressive,
  sortProgram,
  type AdditionProgramOptions,
  type Program,
  type RunAutoregressiveOptions,
} from './programs'
export { createTokenizer, EOS, PAD, SEP, SOS, SYMBOL0, type Tokenizer } from './tokens'
export {
  additionSample,
  additionTask,
  andTask,
  copyTask,
  countTask,
  exactMatch,
  modeTask,
  parityTask,
  sortTask,
  type AdditionTaskOptions,
  type CopyTaskOptions,
  type CountTaskOptions,
  type SymbolTaskOptions,
  type Task,
  type TaskSample,
} from './tasks'
