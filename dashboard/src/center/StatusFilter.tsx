/** The record status filter of a center list's Matched section (S1, C2). */

import { CONTACT_STATUSES, LEAD_STATUSES } from "../api/types";
import { capitalize } from "../components/Badge";

export function StatusFilter({ value, onChange }: { value: string; onChange: (status: string) => void }) {
  return (
    <label class="inline-field">
      <span>Status</span>
      <select
        class="input input-sm"
        value={value}
        onChange={(event) => onChange((event.target as HTMLSelectElement).value)}
      >
        <option value="">All statuses</option>
        <optgroup label="Leads">
          {LEAD_STATUSES.map((status) => (
            <option key={status} value={status}>
              {capitalize(status)}
            </option>
          ))}
        </optgroup>
        <optgroup label="Contacts">
          {CONTACT_STATUSES.map((status) => (
            <option key={status} value={status}>
              {capitalize(status)}
            </option>
          ))}
        </optgroup>
      </select>
    </label>
  );
}
