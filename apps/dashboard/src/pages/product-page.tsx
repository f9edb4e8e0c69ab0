import type { Product } from "../shell/products.ts";
import { useDocumentTitle } from "./use-document-title.ts";
import "./product-page.css";

/** A product's page until its own issue lands: says plainly that it is not here yet. */
export function ProductPage({ product }: { product: Product }) {
  useDocumentTitle(product.name);
  return (
    <section aria-labelledby="page-heading">
      <h1 id="page-heading">{product.name}</h1>
      <p className="lead">{product.purpose}</p>
      <p className="coming-soon">
        {product.name} is coming soon. It is being built now and isn't available in the dashboard yet.
      </p>
    </section>
  );
}
