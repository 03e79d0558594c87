/** A progress reporter: a redrawn bar on a terminal, throttled plain lines otherwise. */
export interface ProgressReporter {
  update(fraction: number, label?: string): void
  done(): void
}

/**
 * Create a progress reporter writing to a stream. On a TTY it redraws `[#####.....] 50% label`
 * in place; otherwise it prints a plain line when the label changes or every 10%.
 * @example const bar = progressBar(process.stderr, 'ssm-poisoning'); bar.update(0.5, 'seed 3')
 */
export function progressBar(stream: { write(s: string): unknown; isTTY?: boolean }, title: string, width = 30): ProgressReporter {
  let lastPct = -1
  let lastLabel: string | undefined
  let drawn = false
  return {
    update(fraction, label) {
      const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0))
      const pct = Math.round(f * 100)
      if (stream.isTTY) {
        const fill = Math.round(f * width)
        stream.write(`\r  ${title} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}% ${label ?? ''}\x1b[K`)
        drawn = true
      } else if (label !== lastLabel || Math.floor(pct / 10) !== Math.floor(lastPct / 10)) {
        stream.write(`  ${title}: ${pct}%${label ? ` ${label}` : ''}\n`)
      }
      lastPct = pct
      lastLabel = label
    },
    done() {
      if (drawn) stream.write('\r\x1b[K')
    },
  }
}
