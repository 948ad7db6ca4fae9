-- Step 1 (after application version 2, which caps the discount, is everywhere: version 2
-- is the traffic this scenario replays): the rule, NOT VALID. New and changed rows are
-- checked from now on; the existing rows are not scanned, so the ACCESS EXCLUSIVE lock is
-- held only for a moment.
ALTER TABLE orders ADD CONSTRAINT orders_discount_not_above_amount
    CHECK (discount_cents <= amount_cents) NOT VALID;
