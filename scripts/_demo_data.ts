/**
 * The demo API's data: customers, products, orders and reviews from a fixed seed.
 *
 * @module
 */

import { prng } from "./_prng.ts";

/** A JSON object as the API serves it. */
export type Json = Record<string, unknown>;

/** Everything the demo API serves. */
export interface DemoData {
  customers: Json[];
  orders: Json[];
  products: Json[];
  /** Reviews by customer id. */
  reviews: Map<number, Json[]>;
}

const FIRST_NAMES = ["Ada", "Grace", "Alan", "Linus", "Margaret", "Dennis", "Barbara", "Ken"];
const LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Ritchie", "Liskov"];
const CITIES = [
  { city: "Berlin", countryCode: "DE" },
  { city: "Lisbon", countryCode: "PT" },
  { city: "Toronto", countryCode: "CA" },
  { city: "Osaka", countryCode: "JP" },
  { city: "Austin", countryCode: "US" },
];
const STREETS = ["Main Street", "Harbour Road", "Elm Avenue", "Station Square", "Mill Lane"];
const TAGS = ["vip", "newsletter", "wholesale", "returning", "b2b", "early-adopter"];
const CATEGORIES = ["books", "garden", "kitchen", "toys", "electronics"];
const ADJECTIVES = ["Classic", "Compact", "Deluxe", "Eco", "Rugged", "Smart"];
const NOUNS = ["Kettle", "Lamp", "Notebook", "Planter", "Speaker", "Puzzle", "Backpack"];
const STATUSES = ["pending", "paid", "shipped", "delivered", "cancelled"];
const REVIEW_TITLES = ["Great value", "Does the job", "Not what I expected", "Love it", "Meh"];

const START_MS = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;

function generate(): DemoData {
  const rand = prng(20240101);
  const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const isoAt = (fromMs: number, spanDays: number) =>
    new Date(fromMs + Math.floor(rand() * spanDays * DAY_MS / 1000) * 1000).toISOString();

  const customers: Json[] = [];
  for (let id = 1; id <= 50; id++) {
    const firstName = pick(FIRST_NAMES);
    const lastName = pick(LAST_NAMES);
    const place = pick(CITIES);
    customers.push({
      id,
      firstName,
      lastName,
      email: `${firstName}.${lastName}.${id}@example.com`.toLowerCase(),
      address: {
        street: `${int(1, 200)} ${pick(STREETS)}`,
        city: place.city,
        postalCode: String(int(10000, 99999)),
        countryCode: place.countryCode,
      },
      tags: TAGS.filter(() => rand() < 0.3),
      loyaltyPoints: int(0, 5000),
      isActive: rand() < 0.85,
      createdAt: isoAt(START_MS, 180),
    });
  }

  const products: Json[] = [];
  for (let id = 1; id <= 30; id++) {
    products.push({
      id,
      sku: `SKU-${String(id).padStart(4, "0")}`,
      name: `${pick(ADJECTIVES)} ${pick(NOUNS)}`,
      category: pick(CATEGORIES),
      // Prices end in 9 cents so they are always floats (never `20`, which would infer bigint).
      unitPrice: (int(2, 199) * 100 + int(0, 9) * 10 + 9) / 100,
      inStock: rand() < 0.8,
      createdAt: isoAt(START_MS - 365 * DAY_MS, 365),
    });
  }

  const orders: Json[] = [];
  for (let i = 0; i < 120; i++) {
    const items = [];
    for (let n = int(1, 4); n > 0; n--) {
      const product = pick(products);
      items.push({ productId: product.id, quantity: int(1, 5), unitPrice: product.unitPrice });
    }
    const status = pick(STATUSES);
    orders.push({
      id: 1001 + i,
      customerId: int(1, 50),
      status,
      orderedAt: isoAt(START_MS + 180 * DAY_MS, 180),
      currency: "EUR",
      items,
      totalAmount: orderTotal(items),
      couponCode: rand() < 0.2 ? `SAVE${int(5, 30)}` : null,
    });
  }

  const reviews = new Map<number, Json[]>();
  let reviewId = 1;
  for (const customer of customers) {
    const list: Json[] = [];
    for (let n = int(1, 4); n > 0; n--) {
      list.push({
        id: reviewId++,
        productId: int(1, 30),
        rating: int(1, 5),
        title: pick(REVIEW_TITLES),
        verifiedPurchase: rand() < 0.7,
        createdAt: isoAt(START_MS + 200 * DAY_MS, 160),
      });
    }
    reviews.set(customer.id as number, list);
  }
  return { customers, orders, products, reviews };
}

/** Sum of the items in cents, bumped so it never is a whole number (it must stay a float). */
function orderTotal(items: { quantity: number; unitPrice: unknown }[]): number {
  const cents = () =>
    items.reduce((sum, it) => sum + it.quantity * Math.round(Number(it.unitPrice) * 100), 0);
  let total = cents();
  // Every price ends in 9 cents, so one more unit of the first item changes the last digit.
  while (total % 100 === 0) {
    items[0].quantity++;
    total = cents();
  }
  return total / 100;
}

let cachedData: DemoData | undefined;

/** The demo data, generated on first use; the same on every run (fixed seed). */
export function demoData(): DemoData {
  return cachedData ??= generate();
}
