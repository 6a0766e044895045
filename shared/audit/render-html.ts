import type { LicenceAuditReport } from './report';

const esc = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
const money = (n: number) => `$${n.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;

/** Horizontal bars; every bar carries its value in data attributes so tests can read them. */
function barChart(id: string, title: string, rows: { label: string; value: number; display: string; alert?: boolean }[], max: number): string {
  const height = rows.length * 28 + 10;
  const bars = rows
    .map((r, i) => {
      const width = max > 0 ? Math.max(1, Math.round((r.value / max) * 360)) : 1;
      const y = i * 28 + 5;
      return `<g class="bar" data-label="${esc(r.label)}" data-value="${r.value}"><text x="0" y="${y + 15}">${esc(r.label)}</text><rect x="220" y="${y}" width="${width}" height="20" fill="${r.alert ? '#c4314b' : '#0f6cbd'}"/><text x="${226 + width}" y="${y + 15}">${esc(r.display)}</text></g>`;
    })
    .join('');
  return `<figure id="${id}"><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" viewBox="0 0 700 ${height}" width="700" height="${height}">${bars}</svg></figure>`;
}

function trendChart(history: LicenceAuditReport[]): string {
  const points = [...history].reverse();
  if (points.length < 2) return '<figure id="trend"><figcaption>Waste trend</figcaption><p>Trend appears after two audits.</p></figure>';
  const max = Math.max(...points.map((p) => p.wasteMonthlyCost), 1);
  const step = 640 / (points.length - 1);
  const coords = points.map((p, i) => `${30 + i * step},${170 - (p.wasteMonthlyCost / max) * 150}`);
  const dots = points
    .map((p, i) => `<circle class="point" data-date="${esc(p.generatedAt)}" data-value="${p.wasteMonthlyCost}" cx="${30 + i * step}" cy="${170 - (p.wasteMonthlyCost / max) * 150}" r="4" fill="#0f6cbd"/>`)
    .join('');
  return `<figure id="trend"><figcaption>Monthly waste across audits</figcaption><svg role="img" aria-label="waste trend" viewBox="0 0 700 190" width="700" height="190"><polyline fill="none" stroke="#0f6cbd" stroke-width="2" points="${coords.join(' ')}"/>${dots}</svg></figure>`;
}

/** A self-contained page (no scripts, no CDN): opens anywhere, including offline. */
export function renderAuditHtml(report: LicenceAuditReport, history: LicenceAuditReport[]): string {
  const skuRows = report.skus.map((s) => ({ label: s.productName, value: s.utilisationPercent, display: `${s.utilisationPercent}% (${s.consumed}/${s.enabled})`, alert: s.lowStock }));
  const wasteRows = report.waste.map((w) => ({ label: w.reason, value: w.monthlyCost, display: `${money(w.monthlyCost)} · ${w.licenceCount} licences` }));
  const skuTable = report.skus
    .map(
      (s) =>
        `<tr data-sku="${esc(s.skuPartNumber)}"><td>${esc(s.productName)}</td><td>${esc(s.skuPartNumber)}</td><td class="num">${s.enabled}</td><td class="num">${s.suspended}</td><td class="num">${s.warning}</td><td class="num consumed">${s.consumed}</td><td class="num available">${s.available}</td><td class="num">${s.utilisationPercent}%</td><td>${s.lowStock ? '<strong class="low">low stock</strong>' : ''}</td></tr>`,
    )
    .join('');
  const findings = [...report.waste.map((w) => ({ title: `Waste: ${w.reason}`, count: w.userCount, sample: w.sample })), ...report.drift.map((d) => ({ title: `Drift: ${d.kind}`, count: d.userCount, sample: d.sample }))]
    .filter((f) => f.count > 0)
    .map((f) => `<details><summary>${esc(f.title)} — ${f.count} user(s)</summary><ul>${f.sample.map((s) => `<li>${esc(s.userPrincipalName)}: ${esc(s.items.join(', '))}${s.detail ? ` (${esc(s.detail)})` : ''}</li>`).join('')}</ul></details>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Licence audit ${esc(report.generatedAt.slice(0, 10))}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#242424}table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd}.num{text-align:right}.low{color:#c4314b}figure{margin:1.5rem 0}figcaption{font-weight:600;margin-bottom:.5rem}svg text{font-size:12px}#summary span{display:inline-block;margin-right:2rem;font-size:18px}</style>
</head><body>
<h1>Licence audit — ${esc(report.tenantId)}</h1>
<p>Generated ${esc(report.generatedAt)} · ${report.usersScanned} users scanned · sign-in activity ${esc(report.signInActivity)}</p>
<section id="summary" data-waste-monthly-cost="${report.wasteMonthlyCost}"><span>Waste: <strong>${money(report.wasteMonthlyCost)}/month</strong></span><span>Low-stock SKUs: <strong>${report.skus.filter((s) => s.lowStock).length}</strong></span><span>Users with drift: <strong>${report.drift.reduce((n, d) => n + d.userCount, 0)}</strong></span></section>
${report.notes.length ? `<ul id="notes">${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${barChart('utilisation', 'Utilisation per SKU', skuRows, 100)}
${barChart('waste', 'Monthly waste by reason', wasteRows, Math.max(...wasteRows.map((r) => r.value), 1))}
${trendChart(history)}
<h2>Subscriptions</h2>
<table id="skus"><thead><tr><th>Product</th><th>Part number</th><th>Enabled</th><th>Suspended</th><th>Warning</th><th>Consumed</th><th>Available</th><th>Used</th><th></th></tr></thead><tbody>${skuTable}</tbody></table>
<h2>Findings</h2>${findings || '<p>Nothing to report.</p>'}
</body></html>`;
}
