import { describe, expect, it } from 'vitest';
import { type Machine, planTestPackages } from './test-packages.js';

/** A Debian machine with everything the tests need, as root unless said. */
const complete = (): Machine => ({
  exists: (path) => ['/usr/bin/chromium', '/usr/lib/postgresql/17/bin/initdb'].includes(path),
  folders: (path) => (path === '/usr/lib/postgresql' ? ['17'] : []),
  hasCommand: (name) => name === 'socat' || name === 'cc',
  fonts: () => '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc: Noto Sans CJK SC:style=Regular\n',
  isRoot: true,
});

describe('the Debian packages the tests need', () => {
  it('are left alone when all are there', () => {
    expect(planTestPackages(complete())).toEqual({ kind: 'ready' });
  });

  it('are installed as root, only the missing ones, without questions', () => {
    const fresh: Machine = {
      ...complete(),
      exists: () => false,
      folders: () => [],
      hasCommand: () => false,
      fonts: () => '',
    };
    expect(planTestPackages(fresh)).toEqual({
      kind: 'install',
      packages: ['chromium', 'fonts-noto-cjk', 'socat', 'gcc', 'postgresql'],
      commands: [
        ['apt-get', 'update', '-qq'],
        [
          'apt-get',
          'install',
          '-y',
          '-qq',
          '--no-install-recommends',
          'chromium',
          'fonts-noto-cjk',
          'socat',
          'gcc',
          'postgresql',
        ],
      ],
    });
    // A PostgreSQL folder without its binaries (a removed package) counts as missing too.
    const halfRemoved: Machine = { ...complete(), exists: (path) => path === '/usr/bin/chromium' };
    expect(planTestPackages(halfRemoved)).toMatchObject({ kind: 'install', packages: ['postgresql'] });
  });

  it('stop a normal user at once with the exact command to run', () => {
    const user: Machine = {
      ...complete(),
      isRoot: false,
      hasCommand: () => false,
      fonts: () => 'DejaVu Sans\n',
    };
    const plan = planTestPackages(user);
    expect(plan.kind).toBe('stop');
    if (plan.kind !== 'stop') return;
    expect(plan.message).toContain('fonts-noto-cjk (Chinese text on the screens)');
    expect(plan.message).toContain('socat (the serial bridge tests)');
    expect(plan.message).toContain('gcc (the WAL shim npm install builds)');
    expect(plan.message).not.toContain('chromium');
    expect(plan.message.split('\n').at(-1)).toBe(
      '  sudo apt-get install -y --no-install-recommends fonts-noto-cjk socat gcc',
    );
  });
});
