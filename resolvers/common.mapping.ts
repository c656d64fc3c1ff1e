import type {
  WireDetailPage,
  WireOptions,
  WirePayment,
  WirePaymentSpecInfo,
} from "../src/baidu/wire";
import type { DetailPageInput } from "../schema/detail-page.input";
import type { PaymentInput, PaymentLineInput } from "../schema/payment.input";

/** GraphQL's null means "not given"; Baidu's body simply leaves such keys out. */
export const given = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

/**
 * A link. `status` says how `Status` goes out: the documented integer, or as text where the
 * configuration asks for what Baidu's generated SDKs send in product and after-sale links (contract
 * §1.4.5); the main order's own links always take the integer, as those SDKs send it.
 */
export function toDetailPage(
  page: DetailPageInput | null | undefined,
  status: WireOptions["detailPageStatus"] = "integer",
): WireDetailPage | undefined {
  if (!page) return undefined;
  return {
    Status: status === "string" ? String(page.status) : page.status,
    Name: given(page.name),
    SwanSchema: given(page.swanSchema),
    H5Schema: given(page.h5Schema),
    IPhoneSchema: given(page.iphoneSchema),
    AndroidSchema: given(page.androidSchema),
  };
}

const toPaymentLine = (line: PaymentLineInput): WirePaymentSpecInfo => ({
  Name: line.name,
  Value: line.value,
  Quantity: line.quantity,
});

export function toPayment(payment: PaymentInput): WirePayment {
  return {
    Time: given(payment.paidAt),
    Method: payment.method,
    Amount: payment.amount,
    IsPayment: payment.paid,
    PreferentialInfo: payment.discounts?.map(toPaymentLine),
    PaymentInfo: payment.charges?.map(toPaymentLine),
  };
}
