import { PAYMENT_METHODS } from './payment-methods';

/** The test payment methods as one group of radio buttons. */
export function PaymentMethodPicker({ value, onChange }: { value: string; onChange: (token: string) => void }) {
  return (
    <fieldset class="payment-methods">
      <legend>Payment method</legend>
      {PAYMENT_METHODS.map((method) => (
        <div class="radio" key={method.token}>
          <input
            type="radio"
            id={`pm-${method.token}`}
            name="paymentMethod"
            value={method.token}
            checked={value === method.token}
            onChange={() => onChange(method.token)}
            aria-describedby={`pm-${method.token}-detail`}
          />
          <label for={`pm-${method.token}`}>{method.label}</label>
          <p class="hint" id={`pm-${method.token}-detail`}>
            {method.detail}
          </p>
        </div>
      ))}
    </fieldset>
  );
}
