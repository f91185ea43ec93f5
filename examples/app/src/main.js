import { cartTotal } from "./cart.js";

const items = [
  { sku: "book", price: 12.5, quantity: 2 },
  { sku: "pen", quantity: 3 },
];

export function checkout() {
  return cartTotal(items);
}

if (typeof window !== "undefined") {
  window.addEventListener("load", () => {
    document.body.textContent = `Total: ${checkout()}`;
  });
}
