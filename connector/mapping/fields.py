"""Where each InkSoft field the connector reads lives, in one place so a wrong name is one edit.

Tags follow inksoft-api.md: names marked (inferred) exist because ShipStation says it imports the
data from InkSoft, but their API 2 names are unknown (§9.8a); correct them here once known.
"""

from __future__ import annotations

# Order identity (§9.1, seen in client code)
ORDER_ID = "ID"
UNIQUE_ID = "UniqueId"
STORE_ID = "StoreId"
STORE_NAME = "StoreName"

# Status (§10)
STATUS = "Status"
PRODUCTION_STATUS = "ProductionStatus"
PAYMENT_STATUS = "PaymentStatus"
CANCELLED_FLAG = "Cancelled"
PAID_FLAG = "Paid"

# Customer and addresses (§9.1, §9.3, §9.4)
EMAIL = "Email"
USER = "User"
USER_PHONES = "Phones"
PHONE_NUMBER = "Number"
SHIPPING_ADDRESS = "ShippingAddress"
BILLING_ADDRESS = "BillingAddress"
ADDR_NAME = "Name"
ADDR_FIRST_NAME = "FirstName"
ADDR_LAST_NAME = "LastName"
ADDR_COMPANY = "CompanyName"
ADDR_STREET1 = "Street1"
ADDR_STREET2 = "Street2"
ADDR_CITY = "City"
ADDR_STATE = "State"
ADDR_COUNTRY_CODE = "CountryCode"
ADDR_POSTCODE = "PostCode"
ADDR_PHONE = "Phone"

# Shipping, payment, money (§9.1, §9.5)
SHIPPING_METHOD = "ShippingMethod"
SHIPPING_METHOD_NAME = "Name"
SUMMARY_SHIPPING_METHOD_NAME = "ShippingMethodName"  # OrderSummary flattens the method
PAYMENT_METHOD = "PaymentMethod"
PAYMENTS = "Payments"
PAYMENT_DATE = "DateCreated"
PAYMENT_VOIDED = "DateVoided"
TOTAL_AMOUNT = "TotalAmount"
AMOUNT_DUE = "AmountDue"
TAX_AMOUNT = "TaxAmount"
SHIPPING_AMOUNT = "ShippingAmount"

# Discounts (§9.1)
DISCOUNT_CODE = "DiscountCode"
COUPON_CODE = "CouponCode"
TOTAL_DISCOUNT = "TotalDiscount"
TOTAL_ADJUSTMENTS = "TotalAdjustments"
ADJUSTMENT_TYPE = "Type"
ADJUSTMENT_DESCRIPTION = "Description"
ADJUSTMENT_AMOUNT = "Amount"

# Notes, gift, dates (§9.1)
NOTES = "Notes"
TIMELINE = "Timeline"
TIMELINE_EVENT = "Event"
TIMELINE_COMMENT = "Comment"
GIFT_MESSAGE = "GiftMessage"  # "gift" = GiftMessage non-empty (inferred)
DATE_CREATED = "DateCreated"
# Moves on every change (inferred: Order has no such field in the reference, but the
# DateModifiedRange filter needs one; the InkSoft simulator serves it under this name).
DATE_MODIFIED = "DateModified"
CUSTOMER_NOTES = "CustomerNotes"  # (inferred)

# Weight (inferred): order total with its unit, and a per-unit weight on each item in that unit.
TOTAL_WEIGHT = "TotalWeight"
WEIGHT_UNIT = "WeightUnit"
ITEM_WEIGHT = "Weight"

# Line items (§9.6)
ITEMS = "Items"
ITEM_GUID = "ItemGuid"  # after SalesDoc (documented); preferred over the integer id
ITEM_SIZE_ID = "OrderRetailItemSizeId"
ITEM_NAME = "FullName"
ITEM_QUANTITY = "Quantity"
ITEM_UNIT_PRICE = "UnitPrice"
ITEM_SIDE_PREVIEWS = "SidePreviews"
PREVIEW_DESIGN_ON_PRODUCT = "DesignOnProductUrl"
ITEM_ADDONS = "AddOns"
ITEM_PERSONALIZATIONS = "PersonalizationValues"
ITEM_STOCK_LOCATION = "StockLocation"  # (inferred)

# Production cards (§9.7), joined to items on OrderRetailItemSizeId
PRODUCTION_CARDS = "ProductionCards"
CARD_SKU = "ProductSku"
CARD_PRODUCT_NAME = "ProductName"
CARD_STYLE = "ProductStyleName"
CARD_COLOR = "ColorwayName"
CARD_PREVIEW_URL = "PreviewUrl"
CARD_PRINT_METHOD = "PrintMethod"
CARD_ART = "Art"
CARD_ART_NAME = "Name"
CARD_ITEMS = "Items"
CARD_ITEM_SIZE = "Size"

# Shipments already recorded in InkSoft (§9.8)
SHIPMENTS = "Shipments"
PACKAGES = "Packages"
PACKAGE_TRACKING = "TrackingNumber"
PACKAGE_ITEMS = "Items"
PACKAGE_ITEM_QUANTITY = "Quantity"

# The placeholder host InkSoft leaves in image URLs (§11)
IMAGE_HOST_PLACEHOLDER = "REPLACE_DOMAIN_WITH"
