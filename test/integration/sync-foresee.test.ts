/**
 * Plans that foresee what the apply will meet, against the local Supervisor: a field another
 * manager owns (seeded with kubectl) is a conflict in the plan; a verb the user may not use in a
 * namespace blocks the plan as a whole, or with --partial is skipped; a Supervisor lost in the
 * middle of a sync exits 2 and lists what is not known; a connection reset under a server-side
 * apply is tried once more, and under a request that is not idempotent is not (a loopback TCP
 * proxy resets it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ClusterError } from '../../src/cluster/errors';
import { loadKubeconfig } from '../../src/cluster/kubeconfig';
import { ConnectionSession } from '../../src/cluster/session';
import { runDiff } from '../../src/cli/diff';
import { runSync } from '../../src/cli/sync';
import { executePlan, prepareSync } from '../../src/sync';
import {
  CM, NS, cleanupTemp, configMap, deleteTracked, ensureNamespace, getOrUndefined, kubeconfigPath, makeRepo, manifests, name, openSession, targetOf,
} from './sync-fixtures';
import { captured, freezeApiserver } from './supervisor';

let admin: ConnectionSession;
const targets: string[] = [];
const removeAfter: { namespace: string; name: string }[] = [];

const cli = (context: string, ...argv: string[]) => captured(runSync, ['--kubeconfig', kubeconfigPath, '--context', context, ...argv]);

function target(label: string): string {
  const t = name(label);
  targets.push(t);
  return t;
}

const data = async (namespace: string, n: string) => ((await getOrUndefined(admin, { ...CM, namespace, name: n }))?.data as Record<string, string> | undefined);

before(async () => {
  admin = await openSession();
  await ensureNamespace(admin);
});

after(async () => {
  await deleteTracked(admin, targets, [CM], [NS, 'team-a', 'team-b']);
  for (const r of removeAfter) await admin.client.delete({ ...CM, ...r }).catch(() => undefined);
  admin.dispose();
  cleanupTemp();
});

describe('plans that foresee', () => {
  it('a field another manager owns: the plan says conflict with the field and the manager, exits 1 and sends nothing; --force-conflicts applies', async () => {
    const t = target('seen');
    const c = name('seen-cm');
    removeAfter.push({ namespace: NS, name: c });
    execFileSync('kubectl', ['--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', 'apply', '--server-side', '--field-manager=someone-else', '-f', '-'], {
      input: JSON.stringify(configMap(c, { key: 'theirs' })), stdio: ['pipe', 'pipe', 'pipe'],
    });
    const { root } = await makeRepo({ 'c.yaml': manifests(configMap(c, { key: 'ours', other: 'x' })) });

    const plan = await cli('local-supervisor-admin', '--target', t, root);
    assert.equal(plan.code, 1, plan.out + plan.err);
    assert.match(plan.out, new RegExp(`\\n  conflict  ConfigMap/${NS}/${c}  \\(c\\.yaml:1; conflict \\.data\\.key \\(owned by "someone-else"\\)\\)`));
    assert.match(plan.out, /BLOCKED {3}c\.yaml:1: conflict: .*--force-conflicts/);
    assert.match(plan.err, /blocked: nothing was sent/);
    const json = JSON.parse((await cli('local-supervisor-admin', '--target', t, '--format', 'json', root)).out) as { plan: { items: { action: string; conflicts?: unknown }[] } };
    assert.deepEqual(json.plan.items.map((i) => [i.action, i.conflicts]), [['conflict', [{ field: '.data.key', manager: 'someone-else' }]]]);

    // diff keeps the view of what Git would apply, and marks the conflict
    let diffOut = '';
    let diffErr = '';
    const diffCode = await runDiff(['--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', '--target', t, root], (s) => { diffOut += s; }, (s) => { diffErr += s; });
    assert.equal(diffCode, 1, diffErr);
    assert.match(diffOut, /^\+ {2}key: ours$/m);
    assert.match(diffErr, new RegExp(`conflict: ConfigMap/${NS}/${c}: \\.data\\.key \\(owned by "someone-else"\\); sync takes it over only with --force-conflicts`));

    const yes = await cli('local-supervisor-admin', '--target', t, '--yes', root);
    assert.equal(yes.code, 1);
    assert.deepEqual(await data(NS, c), { key: 'theirs' }, 'nothing was sent');

    const forced = await cli('local-supervisor-admin', '--target', t, '--yes', '--force-conflicts', root);
    assert.equal(forced.code, 0, forced.out + forced.err);
    assert.match(forced.out, new RegExp(`update {4}ConfigMap/${NS}/${c} .*forced: takes over \\.data\\.key \\(owned by "someone-else"\\)`));
    assert.deepEqual(await data(NS, c), { key: 'ours', other: 'x' });
  });

  it('a user who may not patch in team-b: the plan is blocked as a whole, naming the verb, kind and namespace; --partial applies the allowed part', async () => {
    const t = target('perm');
    const [mine, theirs] = [name('perm-a'), name('perm-b')];
    removeAfter.push({ namespace: 'team-a', name: mine }, { namespace: 'team-b', name: theirs });
    const { root } = await makeRepo({ 'cms.yaml': manifests(configMap(mine, { v: '1' }, {}, 'team-a'), configMap(theirs, { v: '1' }, {}, 'team-b')) });

    const blocked = await cli('local-supervisor-dev', '--target', t, '--yes', root);
    assert.equal(blocked.code, 1, blocked.out + blocked.err);
    const lines = blocked.out.split('\n').filter((l) => l.startsWith('BLOCKED'));
    assert.equal(lines.length, 1, blocked.out);
    assert.match(lines[0], new RegExp(`forbidden: Not permitted to patch ConfigMap in namespace team-b \\(1 resource: ${theirs}\\)`));
    assert.equal(await data('team-a', mine), undefined, 'nothing of the allowed part was sent either');

    const partial = await cli('local-supervisor-dev', '--target', t, '--yes', '--partial', root);
    assert.equal(partial.code, 0, partial.out + partial.err);
    assert.match(partial.out, new RegExp(`\\n  skip {6}ConfigMap/team-b/${theirs} .*not permitted to patch ConfigMap in namespace team-b`));
    assert.match(partial.out, new RegExp(`applied {3}ConfigMap/team-a/${mine} .*: created`));
    assert.match(partial.out, new RegExp(`skipped {3}ConfigMap/team-b/${theirs} .*: skipped: not permitted`));
    assert.deepEqual(await data('team-a', mine), { v: '1' });
    assert.equal(await data('team-b', theirs), undefined);
  });

  it('the Supervisor lost in the middle of a sync: exit 2, one summary line, the resources whose state is unknown, repeated results once with a count', async () => {
    const t = target('lost');
    const first = name('lost-0');
    const sent = [1, 2, 3].map((i) => name(`lost-1-${i}`));
    const later = [1, 2, 3].map((i) => name(`lost-2-${i}`));
    const wave = (n: number) => ({ annotations: { 'argocd.argoproj.io/sync-wave': String(n) } });
    const { root } = await makeRepo({
      'cms.yaml': manifests(configMap(first, { v: '1' }), ...sent.map((n) => configMap(n, { v: '1' }, wave(1))), ...later.map((n) => configMap(n, { v: '1' }, wave(2)))),
    });
    let out = '';
    let err = '';
    let thaw: (() => void) | undefined;
    let code: number;
    try {
      code = await runSync(['--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', '--target', t, '--yes', '--timeout', '2s', root], (s) => { out += s; }, (s) => {
        err += s;
        // wave 1 starts: the server stops answering before its requests go out
        if (s.startsWith('wave 1:')) thaw = freezeApiserver();
      });
    } finally {
      thaw?.();
    }
    assert.ok(thaw, 'the server was frozen');
    assert.equal(code, 2, out + err);
    const summary = err.split('\n').filter((l) => l.startsWith('tanzu-gitops sync:'));
    assert.equal(summary.length, 1, err);
    assert.match(summary[0], /the Supervisor stopped answering in the middle of the sync \(.*\): 1 done before that, 3 with state unknown, 3 not sent; nothing was pruned/);
    const listed = err.slice(err.indexOf('State unknown (sent, no answer):\n')).split('\n').slice(1).filter(Boolean);
    assert.deepEqual(listed.sort(), sent.map((n) => `  ConfigMap/${NS}/${n}`).sort());
    assert.match(out, new RegExp(`applied {3}ConfigMap/${NS}/${first} `));
    assert.match(out, /\nfailed {4}3 resources: sent, no answer: state unknown/);
    assert.match(out, /\nskipped {3}3 resources: not started: the Supervisor stopped answering/);
    assert.equal(out.split('\n').filter((l) => /^(applied|failed|skipped) /.test(l)).length, 3, out);
  });
});

/**
 * A TCP proxy to the Supervisor that, when armed, lets the next request through (the first TLS
 * application-data record of a request's size), then resets the client's connection as the answer
 * comes back: the server did it, the client never hears.
 */
async function resettingProxy(port: number): Promise<{ port: number; arm(): void; readonly resets: number; close(): void }> {
  let armed = false;
  let resets = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    let doomed = false;
    let skip = 0;
    let header = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      // TLS records: type (1), version (2), length (2); a request's first record is larger than the handshake's Finished
      let i = 0;
      while (i < chunk.length) {
        if (skip > 0) {
          const n = Math.min(skip, chunk.length - i);
          skip -= n;
          i += n;
          continue;
        }
        const need = 5 - header.length;
        header = Buffer.concat([header, chunk.subarray(i, i + need)]);
        i += need;
        if (header.length < 5) break;
        const type = header[0];
        skip = header.readUInt16BE(3);
        if (armed && type === 0x17 && skip >= 150) {
          doomed = true;
          armed = false;
        }
        header = Buffer.alloc(0);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (doomed) {
        resets++;
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    arm: () => { armed = true; },
    get resets() { return resets; },
    close: () => { for (const s of sockets) s.destroy(); server.close(); },
  };
}

describe('a connection reset under a request', () => {
  it('a server-side apply is tried once more and succeeds; a POST is not, and the message says so', async () => {
    const upstream = Number(/server: "?https:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(kubeconfigPath, 'utf8'))?.[1]);
    const proxy = await resettingProxy(upstream);
    const { root, repo } = await makeRepo({ 'a.yaml': manifests(configMap(name('reset-a'), { v: '1' })) });
    const file = join(root, 'proxied-kubeconfig');
    writeFileSync(file, readFileSync(kubeconfigPath, 'utf8').replace(/server: "?https:\/\/127\.0\.0\.1:\d+"?/g, `server: "https://127.0.0.1:${proxy.port}"`), { mode: 0o600 });
    const session = await ConnectionSession.open({ kubeconfig: loadKubeconfig({ paths: [file] }), context: 'local-supervisor-admin', allowExec: false, requestTimeoutMs: 10_000 });
    try {
      const t = targetOf(target('reset'));
      const { plan } = await prepareSync(session, repo, t);
      assert.equal(plan.counts.create, 1);
      proxy.arm();
      const report = await executePlan(session, plan);
      assert.equal(proxy.resets, 1, 'the apply was reset once');
      assert.equal(report.outcome, 'succeeded', report.message);
      assert.equal(report.results[0].outcome, 'applied', 'the apply was tried once more');
      assert.deepEqual(await data(NS, name('reset-a')), { v: '1' });

      const posted = name('reset-post');
      removeAfter.push({ namespace: NS, name: posted });
      proxy.arm();
      const err = await session.client.connection.request({ method: 'POST', path: `/api/v1/namespaces/${NS}/configmaps`, body: configMap(posted, { v: '1' }) }).then(() => undefined, (e: unknown) => e);
      assert.equal(proxy.resets, 2);
      assert.ok(err instanceof ClusterError, String(err));
      assert.equal(err.code, 'ECONNRESET');
      assert.match(err.message, /was closed while POST .* was running \(ECONNRESET\)\. It was not tried again \(the request is not idempotent\): whether the server did it is not known\./);
      assert.deepEqual(await data(NS, posted), { v: '1' }, 'the server did it');
    } finally {
      session.dispose();
      proxy.close();
    }
  });
});
