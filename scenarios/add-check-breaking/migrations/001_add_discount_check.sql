-- The rule "a discount never exceeds the order amount", added while today's application
-- (version 1) still stores a coupon's full value: every checkout with a coupon worth more
-- than the order fails with 23514 check_violation from now on. (It also scans the whole
-- table under an ACCESS EXCLUSIVE lock, but the existing rows satisfy it.)
ALTER TABLE orders ADD CONSTRAINT orders_discount_not_above_amount
    CHECK (discount_cents <= amount_cents);
