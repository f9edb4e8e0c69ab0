// The paths of pages that show one thing, named by its id: "/requests/<id>", "/onboarding/<id>",
// "/agents/<id>". Each product's labels name its own section; the id is written and read here.

/** The path of one thing's own page in a section ("/requests"). */
export function itemPath(section: string, id: string): string {
  return `${section}/${encodeURIComponent(id)}`;
}

/** The id in the path of one thing's page in that section, or null for any other path. */
export function idFromPath(section: string, pathname: string): string | null {
  const prefix = `${section}/`;
  if (!pathname.startsWith(prefix)) return null;
  const id = pathname.slice(prefix.length);
  if (!id || id.includes("/")) return null;
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}
