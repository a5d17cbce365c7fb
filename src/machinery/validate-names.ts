/**
 * The Kubernetes name and value rules (k8s.io/apimachinery/pkg/util/validation). Each check
 * returns the error messages Kubernetes would give, worded the same way, so users who know
 * kubectl's messages recognise them; an empty list means valid.
 */
import { isIP } from "node:net";

/** Longest DNS-1123 / DNS-1035 label (RFC 1123 §2.1, RFC 1035 §2.3.4). */
export const DNS1123_LABEL_MAX = 63;
/** Longest DNS-1123 subdomain (RFC 1123 §2.1: 255 octets on the wire less the framing). */
export const DNS1123_SUBDOMAIN_MAX = 253;
/** Longest label value and name part of a qualified name. */
export const LABEL_VALUE_MAX = 63;
/** Most bytes all annotations of one object may take (apimachinery TotalAnnotationSizeLimitB). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

const DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
const QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_FMT = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";

const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1035_LABEL_RE = new RegExp(`^${DNS1035_LABEL_FMT}$`);
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);

/** Kubernetes' `RegexError`: the message, examples and the regex, spaced exactly as Go does it. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  const shown = examples.map((e) => `'${e}', `).join(" or ");
  return `${msg} (e.g. ${shown}regex used for validation is '${fmt}')`;
}

/** Kubernetes' `MaxLenError`. */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** The errors of one length-plus-pattern rule, in Kubernetes' order and wording. */
function lengthAndPattern(
  value: string,
  max: number,
  re: RegExp,
  msg: string,
  fmt: string,
  ...examples: string[]
): string[] {
  const errs: string[] = [];
  if (value.length > max) errs.push(maxLenError(max));
  if (!re.test(value)) errs.push(regexError(msg, fmt, ...examples));
  return errs;
}

/** RFC 1123 label: Namespace names, Pod hostname/subdomain. */
export function isDNS1123Label(value: string): string[] {
  return lengthAndPattern(
    value,
    DNS1123_LABEL_MAX,
    DNS1123_LABEL_RE,
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
    DNS1123_LABEL_FMT,
    "my-name",
    "123-abc",
  );
}

/** RFC 1123 subdomain: most object names, ExternalName targets, DNSRecord hosts. */
export function isDNS1123Subdomain(value: string): string[] {
  return lengthAndPattern(
    value,
    DNS1123_SUBDOMAIN_MAX,
    DNS1123_SUBDOMAIN_RE,
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
    DNS1123_SUBDOMAIN_FMT,
    "example.com",
  );
}

/** RFC 1035 label: Service names, which become DNS labels that must not start with a digit. */
export function isDNS1035Label(value: string): string[] {
  return lengthAndPattern(
    value,
    DNS1123_LABEL_MAX,
    DNS1035_LABEL_RE,
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
    DNS1035_LABEL_FMT,
    "my-name",
    "abc-123",
  );
}

/**
 * An IPv4 or IPv6 address in its textual form (no brackets, no port). node:net accepts an IPv6
 * zone (`fe80::1%eth0`); Kubernetes does not, and a zone means nothing off the host, so refuse it.
 */
export function isValidIP(value: string): string[] {
  return isIP(value) === 0 || value.includes("%")
    ? ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]
    : [];
}

/** A TCP/UDP/SCTP port number. Non-integers fail too (JSON gives us numbers, not Go ints). */
export function isValidPortNum(value: number): string[] {
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? [] : ["must be between 1 and 65535, inclusive"];
}

/** IANA_SVC_NAME (RFC 6335 §5.1): the names of ports. */
export function isValidPortName(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 15) errs.push("must be no more than 15 characters");
  if (!/^[-a-z0-9]+$/.test(value)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(value)) errs.push("must contain at least one letter (a-z)");
  if (value.includes("--")) errs.push("must not contain consecutive hyphens");
  if (value.startsWith("-") || value.endsWith("-")) errs.push("must not begin or end with a hyphen");
  return errs;
}

/** Kubernetes' message for a name part that breaks the qualified-name pattern. */
const QUALIFIED_NAME_ERROR = regexError(
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  QUALIFIED_NAME_FMT,
  "MyName",
  "my.name",
  "123-abc",
);

/** A qualified name `[prefix/]name`: label and annotation keys. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? "";
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    name = parts[1] ?? "";
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [
      "a qualified name " +
        QUALIFIED_NAME_ERROR +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (name.length > LABEL_VALUE_MAX) errs.push(`name part ${maxLenError(LABEL_VALUE_MAX)}`);
  if (name.length > 0 && !QUALIFIED_NAME_RE.test(name)) {
    errs.push(`name part ${QUALIFIED_NAME_ERROR}`);
  }
  return errs;
}

/** A label key. */
export function isValidLabelKey(value: string): string[] {
  return isQualifiedName(value);
}

/** A label value: empty, or up to 63 of `[-A-Za-z0-9_.]` starting and ending alphanumeric. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LABEL_VALUE_MAX) errs.push(maxLenError(LABEL_VALUE_MAX));
  if (!LABEL_VALUE_RE.test(value)) {
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        "MyValue",
        "my_value",
        "12345",
      ),
    );
  }
  return errs;
}

/** Annotation keys are qualified names compared lower-cased (apimachinery ValidateAnnotations). */
export function isValidAnnotationKey(value: string): string[] {
  return isQualifiedName(value.toLowerCase());
}

/** Total annotation size: keys plus values, in bytes, at most {@link ANNOTATIONS_MAX_BYTES}. */
export function annotationsSizeError(annotations: Record<string, string>): string[] {
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    total += Buffer.byteLength(k) + (typeof v === "string" ? Buffer.byteLength(v) : 0);
  }
  return total > ANNOTATIONS_MAX_BYTES ? [`may not be more than ${ANNOTATIONS_MAX_BYTES} bytes`] : [];
}

const CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+";
const CONFIG_KEY_RE = new RegExp(`^${CONFIG_KEY_FMT}$`);

/**
 * A key of a Secret's or ConfigMap's data (Kubernetes' IsConfigMapKey): it becomes a file name
 * when the data is mounted, so besides the pattern it may not be `.`, `..` or start with `..`.
 */
export function isConfigMapKey(value: string): string[] {
  const errs = lengthAndPattern(
    value,
    DNS1123_SUBDOMAIN_MAX,
    CONFIG_KEY_RE,
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
    CONFIG_KEY_FMT,
    "key.name",
    "KEY_NAME",
    "key-name",
  );
  if (value === ".") errs.push("must not be '.'");
  else if (value === "..") errs.push("must not be '..'");
  else if (value.startsWith("..")) errs.push("must not start with '..'");
  return errs;
}
