/** Words and paths per record kind. */

import type { RecordKind } from "../api/types";
import type { IconName } from "../components/Icon";

export const KIND_INFO: Record<
  RecordKind,
  { singular: string; plural: string; path: string; icon: IconName }
> = {
  lead: { singular: "lead", plural: "Leads", path: "/leads", icon: "lead" },
  contact: { singular: "contact", plural: "Contacts", path: "/contacts", icon: "contact" },
  deal: { singular: "deal", plural: "Deals", path: "/deals", icon: "deal" },
};

export function recordPath(id: string): string {
  return `/records/${encodeURIComponent(id)}`;
}
