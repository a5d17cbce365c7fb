/**
 * Table columns of the Gateway API kinds: the upstream CRDs' additionalPrinterColumns, so `kubectl
 * get gateway,httproute,gatewayclass` prints what it prints against a cluster with the CRDs.
 */
import { age } from "../machinery/age.ts";
import type { Gateway, GatewayClass, GatewayCondition, HTTPRoute } from "./gateway-api-types.ts";
import type { KubeObject } from "./types.ts";

/** table-columns.ts's Column (importing it here would make an import cycle). */
interface Column {
  name: string;
  wide?: boolean;
  cell(obj: KubeObject, now: number): string;
}

const NAME: Column = { name: "NAME", cell: (o) => o.metadata.name ?? "" };
const AGE: Column = { name: "AGE", cell: (o, now) => age(o.metadata.creationTimestamp, now) };

function conditionStatus(conditions: GatewayCondition[] | undefined, type: string): string {
  return conditions?.find((c) => c.type === type)?.status ?? "";
}

/** `.status.conditions[?(@.type=="…")].status` of a Gateway or GatewayClass. */
function statusOf(o: KubeObject, type: string): string {
  const status = (o as Gateway).status;
  return conditionStatus(Array.isArray(status?.conditions) ? status.conditions : undefined, type);
}

/** The columns by plural resource name. */
export const GATEWAY_API_COLUMNS: Record<string, Column[]> = {
  gatewayclasses: [
    NAME,
    { name: "CONTROLLER", cell: (o) => (o as GatewayClass).spec?.controllerName ?? "" },
    { name: "ACCEPTED", cell: (o) => statusOf(o, "Accepted") },
    AGE,
    { name: "DESCRIPTION", wide: true, cell: (o) => (o as GatewayClass).spec?.description ?? "" },
  ],
  gateways: [
    NAME,
    { name: "CLASS", cell: (o) => (o as Gateway).spec?.gatewayClassName ?? "" },
    {
      name: "ADDRESS",
      cell: (o) => ((o as Gateway).status?.addresses ?? []).map((a) => a.value).join(","),
    },
    { name: "PROGRAMMED", cell: (o) => statusOf(o, "Programmed") },
    AGE,
  ],
  // A list column prints as JSON, as kubectl prints a CRD's array column.
  httproutes: [
    NAME,
    {
      name: "HOSTNAMES",
      cell: (o) => {
        const hostnames = (o as HTTPRoute).spec?.hostnames;
        return Array.isArray(hostnames) && hostnames.length > 0 ? JSON.stringify(hostnames) : "";
      },
    },
    AGE,
  ],
};
