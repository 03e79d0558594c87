/**
 * Token ids shared by every task and program: four special tokens, then the task's symbols.
 * All ids are small non-negative integers (int8 values for RASP-L, embedding rows for the model).
 */

/** Padding (never predicted; loss-masked). */
export const PAD = 0
/** Start of a sample. */
export const SOS = 1
/** End of the prompt ('>' or '='): the answer starts after it. */
export const SEP = 2
/** End of the answer. */
export const EOS = 3
/** Id of the first task symbol; symbol s has id SYMBOL0 + s. */
export const SYMBOL0 = 4

/** A tokenizer: names ↔ ids over a fixed vocabulary. */
export interface Tokenizer {
  /** Token names by id. */
  readonly vocab: readonly string[]
  readonly vocabSize: number
  /** Ids of token names (a space-separated string or an array of names); unknown names throw. */
  encode(tokens: string | readonly string[]): number[]
  /** Names of ids; ids outside the vocabulary throw. */
  decode(ids: ArrayLike<number>): string[]
}

/**
 * A tokenizer over `['<pad>', '<s>', sep, '</s>', ...symbols]`.
 * @example createTokenizer(['0', '1'], '>').encode('<s> 1 0 >') // [1, 5, 4, 2]
 */
export function createTokenizer(symbols: readonly string[], sep = '>'): Tokenizer {
  const vocab = ['<pad>', '<s>', sep, '</s>', ...symbols]
  const index = new Map<string, number>()
  vocab.forEach((t, i) => {
    if (index.has(t)) throw new Error(`symbols: duplicate token name '${t}'`)
    index.set(t, i)
  })
  if (vocab.length > 128) throw new Error(`symbols: at most ${128 - SYMBOL0} symbols fit the int8 range, got ${symbols.length}`)
  return {
    vocab,
    vocabSize: vocab.length,
    encode(tokens) {
      const names = typeof tokens === 'string' ? tokens.trim().split(/\s+/).filter((t) => t.length > 0) : tokens
      return names.map((t, i) => {
        const id = index.get(t)
        if (id === undefined) throw new Error(`tokens: unknown token '${t}' at index ${i}`)
        return id
      })
    },
    decode(ids) {
      const out: string[] = []
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as number
        const name = vocab[id]
        if (!Number.isInteger(id) || name === undefined) throw new Error(`ids: ${id} at index ${i} is outside the vocabulary [0, ${vocab.length})`)
        out.push(name)
      }
      return out
    },
  }
}
