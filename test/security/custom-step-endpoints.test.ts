import { parseSettings, readNamedSetting } from '../../shared/config/settings';
import { postSigned } from '../../shared/processing/custom-steps/endpoint-call';
import { resolveEndpoint } from '../../shared/processing/custom-steps/step-config';
import { customStepSchema, LEAVER_CUSTOM_STEP_POINTS } from '../../shared/rules/leaver-policy';
import { issueCallbackToken, newCallId, readCallbackClaims, verifyCallbackToken } from '../../shared/security/callback-token';
import { endpointProblem, isPublicAddress } from '../../shared/security/outbound-endpoint';
import { startReceiver } from '../support/custom-steps';

const SECRET = 'step-secret-0123456789abcdef-0123456789';
const claims = { tenant: 'fabrikam', eventId: 'fabrikam:evt-1', point: 'before-licences', step: 'convert-mailbox', callId: newCallId() };

describe('callback tokens', () => {
  it('when a token was issued under a step secret, then it verifies under that secret only and says which call it is for', () => {
    const token = issueCallbackToken(SECRET, claims);
    expect(verifyCallbackToken(SECRET, token)).toBe(true);
    expect(verifyCallbackToken(`${SECRET}x`, token)).toBe(false);
    expect(readCallbackClaims(token)).toEqual(claims);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('when any part of a token is changed, then it does not verify: claims cannot be swapped for another event or step', () => {
    const token = issueCallbackToken(SECRET, claims);
    const other = issueCallbackToken(SECRET, { ...claims, eventId: 'fabrikam:evt-2' });
    const [version, body, mac] = token.split('.') as [string, string, string];
    const [, otherBody] = other.split('.') as [string, string, string];
    expect(verifyCallbackToken(SECRET, `${version}.${otherBody}.${mac}`)).toBe(false);
    expect(verifyCallbackToken(SECRET, `v2.${body}.${mac}`)).toBe(false);
    // The first character: a 32-byte MAC's last base64url character carries two padding bits, so changing only those would change no byte.
    expect(verifyCallbackToken(SECRET, `${version}.${body}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`)).toBe(false);
  });

  it('when a token is not one we could have issued, then no claims are read from it', () => {
    for (const token of ['', 'v1', 'v1..', `v1.${Buffer.from('{"a":1}').toString('base64url')}.${'A'.repeat(43)}`, `v1.${Buffer.from('["a","b"]').toString('base64url')}.${'A'.repeat(43)}`, `v1.${Buffer.from('["x","../y","p","s","c"]').toString('base64url')}.${'A'.repeat(43)}`]) {
      expect(readCallbackClaims(token)).toBeUndefined();
    }
  });

  it('when two calls are made, then their ids differ (a replay calls under a new id)', () => {
    expect(new Set(Array.from({ length: 50 }, newCallId)).size).toBe(50);
  });
});

describe('where a custom step may call', () => {
  it('when an endpoint is not https, or names a loopback, private, link-local or platform address, then it is refused outside local development', () => {
    for (const url of ['http://hooks.example.com/x', 'ftp://hooks.example.com/x', 'not a url', 'https://user:pw@hooks.example.com/x']) {
      expect({ url, problem: endpointProblem(url, { allowPrivate: true }) }).toEqual({ url, problem: expect.any(String) });
    }
    for (const url of ['https://localhost/x', 'https://api.localhost/x', 'https://127.0.0.1/x', 'https://10.1.2.3/x', 'https://192.168.0.10/x', 'https://172.16.5.5/x', 'https://169.254.169.254/metadata', 'https://168.63.129.16/', 'https://[::1]/x', 'https://[fd00::1]/x', 'https://[::ffff:127.0.0.1]/x', 'https://100.64.0.1/x', 'https://0.0.0.0/x']) {
      expect({ url, problem: endpointProblem(url, { allowPrivate: false }) }).toEqual({ url, problem: expect.stringContaining('allowed only in local development') });
      expect(endpointProblem(url, { allowPrivate: true })).toBeUndefined();
    }
    expect(endpointProblem('https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=x', { allowPrivate: false })).toBeUndefined();
    expect(isPublicAddress('20.50.2.1')).toBe(true);
  });

  it('when a host name resolves to a loopback address, then the call is refused when it connects, outside local development', async () => {
    const receiver = await startReceiver({ '/hook': SECRET });
    try {
      const outside = await postSigned(`${receiver.url}/hook`, '{}', SECRET, { allowPrivate: false, now: new Date() });
      expect(outside).toEqual({ kind: 'not-allowed', reason: expect.stringContaining('resolves to a loopback, private or link-local address') });
      expect(receiver.calls).toHaveLength(0);
      const local = await postSigned(`${receiver.url}/hook`, '{}', SECRET, { allowPrivate: true, now: new Date() });
      expect(local).toEqual({ kind: 'accepted', status: 202 });
      expect(receiver.calls[0]?.signatureValid).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('when the receiver answers 4xx, 3xx, 5xx or 429, then a refusal says why and the rest are worth calling again', async () => {
    const receiver = await startReceiver({});
    try {
      receiver.answer('/bad', 400, 'unknown mailbox\r\nfor leaver');
      receiver.answer('/moved', 302);
      receiver.answer('/down', 503);
      receiver.answer('/busy', 429);
      const call = (p: string) => postSigned(`${receiver.url}${p}`, '{}', SECRET, { allowPrivate: true, now: new Date() });
      expect(await call('/bad')).toEqual({ kind: 'refused', status: 400, excerpt: 'unknown mailbox for leaver' });
      expect(await call('/moved')).toMatchObject({ kind: 'refused', status: 302 });
      expect(await call('/down')).toMatchObject({ kind: 'unavailable', reason: 'answered 503' });
      expect(await call('/busy')).toMatchObject({ kind: 'unavailable', reason: 'answered 429' });
      expect(await postSigned('https://localhost:1/none', '{}', SECRET, { allowPrivate: true, now: new Date() })).toMatchObject({ kind: 'unavailable', reason: expect.stringContaining('unreachable') });
    } finally {
      await receiver.close();
    }
  });
});

describe('the endpoint a custom step names', () => {
  const env = { STEP_SECRET: SECRET, STEP_URL: 'http://hooks.example.com/x' };

  it('when a step takes its URL from a setting, then the URL must be https there too, and a step names exactly one of url and urlSetting', () => {
    const step = customStepSchema(LEAVER_CUSTOM_STEP_POINTS).parse({ name: 'x', at: 'offboarded', urlSetting: 'STEP_URL', secretSetting: 'STEP_SECRET' });
    const settings = parseSettings({ LIFECYCLE_RUNTIME: 'local', HR_WEBHOOK_SECRET: 'x'.repeat(40) });
    const resolved = resolveEndpoint(step, (name, options) => readNamedSetting(env, name, options), settings);
    expect(resolved).toEqual({ ok: false, code: 'EndpointNotAllowed', problem: 'urlSetting (STEP_URL) is not an https:// URL' });
    expect(customStepSchema(LEAVER_CUSTOM_STEP_POINTS).safeParse({ name: 'x', at: 'offboarded', secretSetting: 'S' }).success).toBe(false);
    expect(customStepSchema(LEAVER_CUSTOM_STEP_POINTS).safeParse({ name: 'x', at: 'offboarded', url: 'https://a.example', urlSetting: 'U', secretSetting: 'S' }).success).toBe(false);
  });
});
