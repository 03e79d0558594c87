// A sharded sweep on a real scheduler (issue 21, item 8): a single-node Slurm (Debian's slurm-wlm and
// munge, configured here for 127.0.0.1 in a temporary folder) runs the documented job-array script
// scripts/cluster/theoryml-sweep.sbatch; one array task is killed mid-run and requeued; the shards
// are merged; every point is there exactly once and equals a one-process run.
//
// Run with `pnpm test:slurm` (not part of `pnpm test`). When the daemons cannot start on this
// machine the test is skipped with the reason printed ("slurm test skipped: …").
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')
const script = path.join(root, 'scripts/cluster/theoryml-sweep.sbatch')
const THEORYML = `${process.execPath} --conditions=@theoryml/source --import tsx ${path.join(root, 'packages/lab/src/bin.ts')}`
const EXAMPLE = 'least-squares'
// 3 shards of 2 points each; a point takes seconds (30000 GD steps), so a task can be killed between points.
const GRID = 'steps=30000,30001'
const SEEDS = '3'
const SHARDS = 3

let dir = ''
let env: NodeJS.ProcessEnv = {}
let skipReason: string | null = null
const pidFiles: string[] = []

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const which = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0

function run(cmd: string, args: string[], extra: NodeJS.ProcessEnv = {}): string {
  return execFileSync(cmd, args, { env: { ...env, ...extra }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

async function until<T>(what: string, seconds: number, probe: () => T | null | undefined | false): Promise<T> {
  const end = Date.now() + seconds * 1000
  for (;;) {
    const v = probe()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out after ${seconds} s waiting for ${what}`)
    await sleep(300)
  }
}

/** Start munged, slurmctld and slurmd for this test; returns null or why they could not start. */
async function startSlurm(): Promise<string | null> {
  for (const cmd of ['munged', 'munge', 'slurmctld', 'slurmd', 'sbatch', 'scontrol', 'squeue']) {
    if (!which(cmd)) return `'${cmd}' is not installed (apt-get install slurm-wlm munge)`
  }
  dir = mkdtempSync(path.join(tmpdir(), 'theoryml-slurm-'))
  for (const d of ['state', 'spool', 'log', 'out']) mkdirSync(path.join(dir, d))
  const key = path.join(dir, 'munge.key')
  writeFileSync(key, Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7919 + Date.now()) % 256)), { mode: 0o600 })
  const sock = path.join(dir, 'munge.sock')
  const m = spawnSync('munged', ['--force', `--key-file=${key}`, `--socket=${sock}`, `--pid-file=${dir}/munged.pid`, `--log-file=${dir}/log/munged.log`, `--seed-file=${dir}/munged.seed`], { encoding: 'utf8' })
  if (m.status !== 0) return `munged did not start: ${(m.stderr || m.stdout).trim()}`
  pidFiles.push(`${dir}/munged.pid`)
  const node = hostname()
  const port = 17000 + (process.pid % 2000) * 2
  const conf = path.join(dir, 'slurm.conf')
  writeFileSync(conf, [
    'ClusterName=theoryml-test',
    `SlurmctldHost=${node}(127.0.0.1)`,
    `SlurmctldPort=${port}`,
    `SlurmdPort=${port + 1}`,
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${sock}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    `StateSaveLocation=${dir}/state`,
    `SlurmdSpoolDir=${dir}/spool`,
    `SlurmctldPidFile=${dir}/slurmctld.pid`,
    `SlurmdPidFile=${dir}/slurmd.pid`,
    `SlurmctldLogFile=${dir}/log/slurmctld.log`,
    `SlurmdLogFile=${dir}/log/slurmd.log`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'SchedulerType=sched/backfill',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'ReturnToService=2',
    'MpiDefault=none',
    'SwitchType=switch/none',
    'InactiveLimit=0',
    'KillWait=2',
    'MinJobAge=600',
    'JobRequeue=1',
    `NodeName=${node} NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN`,
    'PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
    '',
  ].join('\n'))
  env = { ...process.env, SLURM_CONF: conf }
  for (const daemon of ['slurmctld', 'slurmd']) {
    const r = spawnSync(daemon, ['-f', conf], { env, encoding: 'utf8' })
    if (r.status !== 0) return `${daemon} did not start: ${(r.stderr || r.stdout).trim()}`
    pidFiles.push(`${dir}/${daemon}.pid`)
    if (daemon === 'slurmctld') await sleep(1500)
  }
  try {
    await until('the node to be idle', 60, () => /idle/.test(run('sinfo', ['-h', '-o', '%t'])))
  } catch (err) {
    const log = existsSync(`${dir}/log/slurmd.log`) ? readFileSync(`${dir}/log/slurmd.log`, 'utf8').trim().split('\n').slice(-3).join(' | ') : ''
    return `the Slurm node did not come up (${(err as Error).message}): ${log}`
  }
  return null
}

beforeAll(async () => {
  skipReason = await startSlurm().catch((err: Error) => `could not start Slurm: ${err.message}`)
  if (skipReason) console.log(`slurm test skipped: ${skipReason}`)
}, 120_000)

afterAll(() => {
  // Stop only the daemons this test started, by their pid files (slurmd first, munged last).
  for (const f of [...pidFiles].reverse()) {
    try {
      process.kill(Number(readFileSync(f, 'utf8').trim()), 'SIGTERM')
    } catch { /* already gone */ }
  }
})

interface SweepRecord { key: string; experiment: string; params: unknown; seed: number; metrics: unknown; claims: unknown }

function records(file: string): SweepRecord[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as SweepRecord)
}

/** The state of each array task: task id → JobState (and the restart count). */
function tasks(jobId: string): Map<number, { state: string; restarts: number; jobId: string }> {
  const out = new Map<number, { state: string; restarts: number; jobId: string }>()
  const text = run('scontrol', ['show', 'job', jobId, '-o'])
  for (const line of text.split('\n')) {
    const task = /ArrayTaskId=(\d+)\b/.exec(line)
    if (!task) continue
    out.set(Number(task[1]), {
      state: /JobState=(\S+)/.exec(line)?.[1] ?? '?',
      restarts: Number(/Restarts=(\d+)/.exec(line)?.[1] ?? 0),
      jobId: /JobId=(\d+)/.exec(line)?.[1] ?? '?',
    })
  }
  return out
}

function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const [cmd, ...pre] = THEORYML.split(' ')
    const child = spawn(cmd as string, [...pre, ...args], { cwd: root })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.on('close', (code) => resolve({ code, out }))
  })
}

test('the documented job array runs a sharded sweep; a killed and requeued task resumes; the merge equals one process', async (ctx) => {
  if (skipReason) {
    console.log(`slurm test skipped: ${skipReason}`)
    ctx.skip()
    return
  }
  const out = path.join(dir, 'out')
  // The reference: the same sweep in one process (started now, it runs while Slurm works).
  const reference = cli(['sweep', EXAMPLE, '--grid', GRID, '--seeds', SEEDS, '--out', path.join(dir, 'reference')])
  const submitted = run('sbatch', ['--parsable', `--array=0-${SHARDS - 1}`, `--chdir=${root}`, `--output=${dir}/log/task-%A_%a.out`, script], {
    EXAMPLE, GRID, SEEDS, OUT: out, THEORYML, EXAMPLES: path.join(root, 'examples'),
  }).trim()
  const jobId = submitted.split(';')[0] as string
  const shardFile = (i: number): string => path.join(out, `${EXAMPLE}.shard-${i}-of-${SHARDS}.jsonl`)
  const complete = (i: number): number => (existsSync(shardFile(i)) ? readFileSync(shardFile(i), 'utf8').split('\n').filter((l) => l.endsWith('}')).length : 0)

  // Kill task 1 mid-run: once its first point is written and while it is still running.
  const victim = await until('task 1 to write its first point', 300, () => {
    const t = tasks(jobId).get(1)
    return t && t.state === 'RUNNING' && complete(1) === 1 ? t : null
  })
  run('scancel', ['--signal=KILL', '--full', `${jobId}_1`])
  await until('task 1 to end after the kill', 60, () => {
    const s = tasks(jobId).get(1)?.state
    return s !== undefined && s !== 'RUNNING' && s !== 'COMPLETING'
  })
  const afterKill = complete(1)
  expect(afterKill, 'the kill landed before the task finished').toBe(1)
  run('scontrol', ['requeue', `${jobId}_1`])

  const final = await until('every array task to complete', 600, () => {
    const t = tasks(jobId)
    if ([...t.values()].some((x) => ['FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY'].includes(x.state) && x.jobId !== victim.jobId)) {
      throw new Error(`an array task failed: ${JSON.stringify([...t])}`)
    }
    return t.size === SHARDS && [...t.values()].every((x) => x.state === 'COMPLETED') ? t : null
  })
  expect(final.get(1)!.restarts).toBeGreaterThanOrEqual(1)
  const log1 = readdirSync(path.join(dir, 'log')).filter((f) => f.startsWith(`task-${jobId}_1`)).map((f) => readFileSync(path.join(dir, 'log', f), 'utf8')).join('\n')
  expect(log1).toMatch(/restart 1/)
  expect(log1).toMatch(/1 points run, 1 already there/) // the requeued task resumed: the first point was not redone

  // Merge as documented, and compare with the one-process run.
  const merged = path.join(dir, `${EXAMPLE}.jsonl`)
  const m = await cli(['merge', ...Array.from({ length: SHARDS }, (_, i) => shardFile(i)), '--out', merged])
  expect(m.code, m.out).toBe(0)
  const ref = await reference
  expect(ref.code, ref.out).toBe(0)
  const strip = (r: SweepRecord): Omit<SweepRecord, never> => ({ key: r.key, experiment: r.experiment, params: r.params, seed: r.seed, metrics: r.metrics, claims: r.claims })
  const got = records(merged)
  const want = records(path.join(dir, 'reference', `${EXAMPLE}.jsonl`))
  expect(want).toHaveLength(6)
  expect(new Set(got.map((r) => r.key)).size).toBe(got.length) // every point exactly once
  expect(got.map(strip).sort((a, b) => a.key.localeCompare(b.key))).toEqual(want.map(strip).sort((a, b) => a.key.localeCompare(b.key)))
}, 900_000)
