#!/usr/bin/env python3
"""Builds kb/fx/ from the published exchange-rate files (run by hand when new rates are out;
the KB then gets a new version, deployed like any KB change).

  tools/fx-prepare.py ECB_HIST_CSV HMRC_MONTHLY_DIR kb/fx

- ECB_HIST_CSV: the ECB's euro foreign exchange reference rates, history (eurofxref-hist.csv:
  wide, `Date,USD,JPY,…`, units per EUR, `N/A` where none). Kept from 2020-01-01, only the
  currencies that still have rates, as `kb/fx/ecb-daily.csv` (same wide form, oldest first).
- HMRC_MONTHLY_DIR: HMRC's monthly exchange rates for customs and VAT (monthly_xml_YYYY-MM.xml,
  units per GBP). Kept as `kb/fx/hmrc-monthly.csv`: `month,currency,units_per_gbp`.
The numbers are copied as published, digit for digit.
"""
import csv, glob, os, re, sys
import xml.etree.ElementTree as ET

ecb_path, hmrc_dir, out = sys.argv[1], sys.argv[2], sys.argv[3]

with open(ecb_path, newline='') as f:
    rows = list(csv.reader(f))
header = [h for h in rows[0] if h]
data = [r[:len(header)] for r in rows[1:] if r and r[0] >= '2020-01-01']
data.sort(key=lambda r: r[0])
keep = [i for i, h in enumerate(header) if i == 0 or any(r[i] not in ('N/A', '') for r in data)]
with open(os.path.join(out, 'ecb-daily.csv'), 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow([header[i] for i in keep])
    for r in data:
        w.writerow([r[i] if r[i] not in ('N/A',) else '' for i in keep])

lines = []
for path in sorted(glob.glob(os.path.join(hmrc_dir, '*.xml'))):
    month = os.path.basename(path)[:7]
    root = ET.parse(path).getroot()
    seen = {}
    for rate in root.iter('exchangeRate'):
        code = rate.findtext('currencyCode').strip()
        value = rate.findtext('rateNew').strip()
        if not re.fullmatch(r'[A-Z]{3}', code) or not re.fullmatch(r'[0-9]+(\.[0-9]+)?', value):
            continue
        # Several territories share a currency (e.g. the euro): one rate per currency.
        if code in seen and seen[code] != value:
            raise SystemExit(f'{month} {code}: two rates {seen[code]} and {value}')
        seen[code] = value
    for code in sorted(seen):
        lines.append((month, code, seen[code]))
with open(os.path.join(out, 'hmrc-monthly.csv'), 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['month', 'currency', 'units_per_gbp'])
    w.writerows(lines)
print(f'ecb-daily.csv: {len(data)} days x {len(keep) - 1} currencies; hmrc-monthly.csv: {len(lines)} rates')
