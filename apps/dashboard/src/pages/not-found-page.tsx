import { Link } from "../routing/router.tsx";
import { homePath } from "../shell/products.ts";
import { useDocumentTitle } from "./use-document-title.ts";

export function NotFoundPage() {
  useDocumentTitle("Page not found");
  return (
    <section aria-labelledby="page-heading">
      <h1 id="page-heading">Page not found</h1>
      <p>
        There is no page at this address. <Link href={homePath}>Go to Requests</Link>
      </p>
    </section>
  );
}
