/**
 * The line under a search hit's name: its company, and where the search found it when the name
 * does not say. The API names only the matched term ("annecy", "74000", "4155550123"); for
 * those the record is read, and the line shows the field it came from: "Address: 17 Quai
 * Saint-Clair, 74000 Annecy", "Mobile +1 (415) 555-0123", an email.
 */

import { getRecord } from "../api/endpoints";
import type { Address, CrmRecord, Phone, SearchHit } from "../api/types";
import { formatPhone } from "../format";
import { useAsync } from "../hooks";
import { capitalize } from "../components/Badge";

/** As the API folds what it searches: lower case, accents dropped. */
function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

function foldedWords(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

function digits(text: string): string {
  return text.replace(/\D/g, "");
}

/** The hit's own name or company already shows why it matched. */
function nameExplains(hit: SearchHit): boolean {
  const names = [hit.display_name, hit.company_name];
  return names.some((name) => fold(name).trim() === hit.match || foldedWords(name).includes(hit.match));
}

export function oneLineAddress(address: Address): string {
  return [address.line1, [address.postal_code, address.city].filter(Boolean).join(" ")].filter(Boolean).join(", ");
}

function addressHas(address: Address, term: string): boolean {
  const postal = fold(address.postal_code).replace(/\s+/g, "");
  return postal === term || [...foldedWords(address.line1), ...foldedWords(address.city)].includes(term);
}

/** The field of `record` the search term came from, as the rep reads it; null if none is found. */
export function whereFound(record: CrmRecord, term: string): string | null {
  const phoneLine = (phone: Phone) => `${capitalize(phone.label || "phone")} ${formatPhone(phone.number)}`;
  const whole = record.phones.find((phone) => digits(phone.number) === term);
  if (whole) return phoneLine(whole);
  // Before national numbers (a suffix of the whole one): a postal code could end a number too.
  if (record.address && addressHas(record.address, term)) return `Address: ${oneLineAddress(record.address)}`;
  const national = record.phones.find((phone) => /^\d+$/.test(term) && digits(phone.number).endsWith(term));
  if (national) return phoneLine(national);
  const email = record.emails.find((item) => [item.address, item.address.split("@")[0]].map(fold).includes(term));
  return email ? email.address : null;
}

export function HitDetail({ hit }: { hit: SearchHit }) {
  const explained = !hit.match || nameExplains(hit);
  // Only a hit its name does not explain costs a read of the record.
  const loaded = useAsync(
    (signal) => (explained ? Promise.resolve(null) : getRecord(hit.id, signal)),
    [hit.id, explained],
  );
  const company = hit.company_name !== hit.display_name ? hit.company_name : "";
  const found = explained ? "" : (loaded.data && whereFound(loaded.data, hit.match)) || `Matches “${hit.match}”`;
  const text = [company, found].filter(Boolean).join(" · ");
  return text ? <>{text}</> : null;
}
