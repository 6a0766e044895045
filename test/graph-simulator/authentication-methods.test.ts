import { DEFAULT_APP_ROLES, seedAuthenticationMethods, type RunningGraphSimulator } from '../../dev/graph-simulator';
import { graph, IDS, startSimulator } from './harness';

const METHOD_ROLES = [
  'UserAuthenticationMethod.Read.All',
  'UserAuthMethod-Phone.ReadWrite.All',
  'UserAuthMethod-MicrosoftAuthApp.ReadWrite.All',
  'UserAuthMethod-Passkey.ReadWrite.All',
  'UserAuthMethod-SoftwareOATH.ReadWrite.All',
  'UserAuthMethod-Email.ReadWrite.All',
  'UserAuthMethod-WindowsHello.ReadWrite.All',
  'UserAuthMethod-PlatformCred.ReadWrite.All',
];
const MOBILE = '3179e48a-750b-4051-897c-87b9720928f7';
const ALTERNATE = 'b6332ec1-7057-4abe-9331-3d72feddfe41';
const OFFICE = 'e37fc753-ff3b-4958-9484-eaa9425c82bc';
const methods = (userId: string) => `/users/${userId}/authentication/methods`;

let sim: RunningGraphSimulator;
beforeEach(async () => {
  sim = await startSimulator();
  sim.setAppRoles([...DEFAULT_APP_ROLES, ...METHOD_ROLES]);
  seedAuthenticationMethods(sim.state, IDS.hedy, [
    { type: 'phone', phoneType: 'mobile', phoneNumber: '+44 7700900123', isDefault: true },
    { type: 'phone', phoneType: 'alternateMobile', phoneNumber: '+44 7700900456' },
    { type: 'phone', phoneType: 'office', phoneNumber: '+44 2079460000' },
    { type: 'microsoftAuthenticator', id: 'auth-1', displayName: 'Pixel 8', deviceTag: 'SoftwareTokenActivated' },
    { type: 'fido2', id: 'fido-1', displayName: 'Red key', model: 'YubiKey 5' },
    { type: 'email', emailAddress: 'hedy@example.org' },
  ]);
});
afterEach(() => sim?.close());

describe('authentication methods', () => {
  it('when a user\'s methods are listed, then each comes typed, the password included, with its fixed id and no secret', async () => {
    const listed = await graph(sim, 'GET', methods(IDS.hedy));
    expect(listed.status).toBe(200);
    const types = (listed.body.value as { '@odata.type': string; id: string }[]).map((m) => [m['@odata.type'].replace('#microsoft.graph.', ''), m.id]);
    expect(types).toEqual(expect.arrayContaining([
      ['passwordAuthenticationMethod', '28c10230-6103-485e-b985-444c60001490'],
      ['phoneAuthenticationMethod', MOBILE],
      ['phoneAuthenticationMethod', ALTERNATE],
      ['phoneAuthenticationMethod', OFFICE],
      ['microsoftAuthenticatorAuthenticationMethod', 'auth-1'],
      ['fido2AuthenticationMethod', 'fido-1'],
      ['emailAuthenticationMethod', '3ddfcfc8-9383-446f-83cc-3ab9be4be18f'],
    ]));
    expect(listed.body.value).toHaveLength(7);
    expect(listed.body.value.find((m: { id: string }) => m.id === '28c10230-6103-485e-b985-444c60001490').password).toBeNull();
    expect(JSON.stringify((await graph(sim, 'GET', `/users/${IDS.hedy}`)).body)).not.toContain('7700900123');
  });

  it('when the app holds no permission that reads authentication methods, then listing them is 403', async () => {
    sim.setAppRoles(DEFAULT_APP_ROLES);
    const listed = await graph(sim, 'GET', methods(IDS.hedy));
    expect(listed.status).toBe(403);
    expect(listed.body.error.code).toBe('Authorization_RequestDenied');
  });

  it('when a method is deleted with its type\'s permission, then it is gone (204) and deleting it again is 404', async () => {
    expect((await graph(sim, 'DELETE', `/users/${IDS.hedy}/authentication/fido2Methods/fido-1`)).status).toBe(204);
    expect((await graph(sim, 'GET', `/users/${IDS.hedy}/authentication/fido2Methods`)).body.value).toEqual([]);
    const again = await graph(sim, 'DELETE', `/users/${IDS.hedy}/authentication/fido2Methods/fido-1`);
    expect(again.status).toBe(404);
  });

  it('when the app lacks a type\'s permission, then deleting a method of that type is 403 and it stays', async () => {
    sim.setAppRoles([...DEFAULT_APP_ROLES, 'UserAuthenticationMethod.Read.All', 'UserAuthMethod-Phone.ReadWrite.All']);
    const refused = await graph(sim, 'DELETE', `/users/${IDS.hedy}/authentication/microsoftAuthenticatorMethods/auth-1`);
    expect(refused.status).toBe(403);
    expect((await graph(sim, 'GET', methods(IDS.hedy))).body.value).toHaveLength(7);
  });

  it('when the default method is deleted while other methods remain, then Graph refuses with 400 and it stays; once it is the last, it goes', async () => {
    const refused = await graph(sim, 'DELETE', `/users/${IDS.hedy}/authentication/phoneMethods/${MOBILE}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'badRequest', message: expect.stringMatching(/Cannot delete default method with other methods configured/) });
    for (const path of [`phoneMethods/${ALTERNATE}`, `phoneMethods/${OFFICE}`, 'microsoftAuthenticatorMethods/auth-1', 'fido2Methods/fido-1', 'emailMethods/3ddfcfc8-9383-446f-83cc-3ab9be4be18f']) {
      expect({ path, status: (await graph(sim, 'DELETE', `/users/${IDS.hedy}/authentication/${path}`)).status }).toEqual({ path, status: 204 });
    }
    expect((await graph(sim, 'DELETE', `/users/${IDS.hedy}/authentication/phoneMethods/${MOBILE}`)).status).toBe(204);
    const left = (await graph(sim, 'GET', methods(IDS.hedy))).body.value as { '@odata.type': string }[];
    expect(left.map((m) => m['@odata.type'])).toEqual(['#microsoft.graph.passwordAuthenticationMethod']);
  });

  it('when the mobile phone is deleted while an alternateMobile one remains, then Graph refuses with 400', async () => {
    seedAuthenticationMethods(sim.state, IDS.katherine, [
      { type: 'phone', phoneType: 'mobile', phoneNumber: '+353 851234567' },
      { type: 'phone', phoneType: 'alternateMobile', phoneNumber: '+353 857654321' },
    ]);
    expect((await graph(sim, 'DELETE', `/users/${IDS.katherine}/authentication/phoneMethods/${MOBILE}`)).status).toBe(400);
    expect((await graph(sim, 'DELETE', `/users/${IDS.katherine}/authentication/phoneMethods/${ALTERNATE}`)).status).toBe(204);
    expect((await graph(sim, 'DELETE', `/users/${IDS.katherine}/authentication/phoneMethods/${MOBILE}`)).status).toBe(204);
  });

  it('when the password method is addressed for deletion, then there is no such endpoint', async () => {
    const refused = await graph(sim, 'DELETE', `/users/${IDS.hedy}/authentication/passwordMethods/28c10230-6103-485e-b985-444c60001490`);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
  });

  it('when a seed gives a method a secret or a property its type does not have, then it is refused naming the field', () => {
    expect(() => seedAuthenticationMethods(sim.state, IDS.katherine, [{ type: 'softwareOath', secretKey: 'JBSWY3DPEHPK3PXP' }])).toThrow(/secretKey/);
    expect(() => seedAuthenticationMethods(sim.state, IDS.katherine, [{ type: 'fido2', phoneNumber: '+1 5555550100' }])).toThrow(/phoneNumber/);
    expect(() => seedAuthenticationMethods(sim.state, IDS.katherine, [{ type: 'phone', phoneType: 'alternateMobile', phoneNumber: '+1 5555550100' }])).toThrow(/alternateMobile/);
  });
});
