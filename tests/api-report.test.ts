// The public API is reviewed: api/<package>.api.md must match the sources. After a deliberate API
// change run `pnpm api:update` and commit the report with the change.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'
import { apiReports, root } from './api-report'

test('every package has an up-to-date API report in api/ (run `pnpm api:update` after an API change)', () => {
  const reports = apiReports()
  expect(reports.size).toBe(readdirSync(path.join(root, 'packages')).length)
  const committed = readdirSync(path.join(root, 'api')).filter((f) => f.endsWith('.api.md')).sort()
  expect(committed).toEqual([...reports.keys()].sort())
  for (const [name, text] of reports) {
    const file = path.join(root, 'api', name)
    expect(existsSync(file), name).toBe(true)
    expect(readFileSync(file, 'utf8'), `api/${name} is stale: run pnpm api:update`).toBe(text)
  }
}, 120_000)
