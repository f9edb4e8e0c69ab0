// Plain-language messages for zod's generic validation issues, set once for the whole API so
// a field error reads "This field is required." rather than "expected string, received undefined".
import { z } from "zod";

z.config({
  customError: (issue) => {
    switch (issue.code) {
      case "invalid_type":
        if (issue.input === undefined || issue.input === null) {
          // No path means the whole input was missing, not one field.
          return issue.path?.length ? "This field is required." : "Some required details are missing.";
        }
        return `This should be a ${issue.expected}.`;
      case "too_small":
        if (issue.origin === "string")
          return issue.minimum === 1 ? "This field is required." : `Use at least ${issue.minimum} characters.`;
        if (issue.origin === "number" || issue.origin === "int") return `Use a number of at least ${issue.minimum}.`;
        if (issue.origin === "array") return `Choose at least ${issue.minimum}.`;
        return undefined;
      case "too_big":
        if (issue.origin === "string") return `Use at most ${issue.maximum} characters.`;
        if (issue.origin === "number" || issue.origin === "int") return `Use a number of at most ${issue.maximum}.`;
        if (issue.origin === "array") return `Choose at most ${issue.maximum}.`;
        return undefined;
      case "invalid_value":
        return `Choose one of: ${issue.values.map(String).join(", ")}.`;
      case "invalid_format":
        if (issue.format === "email") return "Enter a valid email address.";
        if (issue.format === "uuid") return "This id is not valid.";
        if (issue.format === "url") return "Enter a valid web address.";
        return "This value is not in the expected format.";
      case "unrecognized_keys":
        return `Unexpected field${issue.keys.length === 1 ? "" : "s"}: ${issue.keys.join(", ")}.`;
      default:
        return undefined;
    }
  },
});

export { z };

/**
 * Like zod 4's `z.flattenError(error).fieldErrors`, but keyed by the full dotted path ("" for the
 * input as a whole), so an error in a nested field is not filed under its parent.
 */
export function fieldErrorsOf(error: z.core.$ZodError): Record<string, string[]> {
  const key = (issue: z.core.$ZodIssue) => issue.path.map(String).join(".");
  // zod still runs a field's checks after its type is wrong ("Use at least 10 characters" for a
  // list); once the type is wrong that is the only thing worth saying about the field.
  const wrongType = new Set(error.issues.filter((issue) => issue.code === "invalid_type").map(key));
  const result: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = key(issue);
    if (wrongType.has(field) && issue.code !== "invalid_type") continue;
    result[field] = [...(result[field] ?? []), issue.message];
  }
  return result;
}
