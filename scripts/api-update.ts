// Rewrite api/<package>.api.md from the sources (pnpm api:update); review the diff before committing.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { apiReports, root } from '../tests/api-report'

const dir = path.join(root, 'api')
mkdirSync(dir, { recursive: true })
const reports = apiReports()
for (const f of readdirSync(dir)) if (f.endsWith('.api.md') && !reports.has(f)) rmSync(path.join(dir, f))
for (const [name, text] of reports) writeFileSync(path.join(dir, name), text)
console.log(`wrote ${reports.size} API reports to api/`)
