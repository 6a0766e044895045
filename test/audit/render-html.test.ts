import { renderAuditHtml } from '../../shared/audit/render-html';
import type { LicenceAuditReport } from '../../shared/audit/report';

const report = (generatedAt: string, wasteMonthlyCost: number, upn = 'a@contoso.com'): LicenceAuditReport => ({
  id: generatedAt, tenantId: 'default', generatedAt, durationMs: 1, usersScanned: 3, wasteMonthlyCost, signInActivity: 'available', notes: [],
  skus: [{ skuId: 'x', skuPartNumber: 'SPE_E3', productName: 'Microsoft 365 E3', enabled: 10, suspended: 0, warning: 0, consumed: 9, available: 1, utilisationPercent: 90, lowStock: true }],
  waste: [{ reason: 'disabled-account', userCount: 1, licenceCount: 1, monthlyCost: wasteMonthlyCost, sample: [{ userPrincipalName: upn, items: ['SPE_E3'] }] }],
  drift: [],
});

describe('the licence report page', () => {
  it('escapes names from the tenant, so a crafted UPN cannot inject markup', () => {
    const html = renderAuditHtml(report('2026-11-22T06:00:00Z', 36, '<img src=x onerror=alert(1)>@contoso.com'), []);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;@contoso.com');
  });

  it('loads nothing from elsewhere: no script, stylesheet or image URLs', () => {
    const html = renderAuditHtml(report('2026-11-22T06:00:00Z', 36), []);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org)/);
  });

  it('draws the trend oldest to newest, one point per stored report', () => {
    const history = [report('2026-11-23T06:00:00Z', 72), report('2026-11-22T06:00:00Z', 36)];
    const html = renderAuditHtml(history[0]!, history);
    const points = [...html.matchAll(/class="point" data-date="([^"]+)" data-value="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(points).toEqual([['2026-11-22T06:00:00Z', 36], ['2026-11-23T06:00:00Z', 72]]);
  });
});
