"""What the InkSoft simulator starts with: one publisher, two stores, two users; demo orders on request."""

from __future__ import annotations

from inkship.simulators.credentials import SimCredentials

FULFILMENT_PERMISSION = "FulfillmentStoreAdmin"
SECOND_STORE_URI = "riverside_youth_soccer"
# A user who can sign in but lacks the fulfilment permission, to show the 403 refusal.
DESIGNER_USERNAME = "designer@example.com"


def default_seed(credentials: SimCredentials) -> dict:
    """The seed document of a fresh simulator (docs/architecture.md, "Seed document")."""
    publisher_id = credentials.inksoft_publisher_id
    return {
        "publisher": {"PublisherId": publisher_id, "Name": "Demo Print Shop",
                      "ApiKeys": [credentials.inksoft_api_key]},
        "stores": [
            {"StoreId": 1201, "StoreUri": credentials.inksoft_store, "Name": "Demo Print Shop",
             "Domain": "demoprintshop.example.com", "PublisherId": publisher_id,
             "CustomStatuses": ["Awaiting Art", "At Embroiderer"]},
            {"StoreId": 1202, "StoreUri": SECOND_STORE_URI, "Name": "Riverside Youth Soccer",
             "Domain": "riverside.example.com", "PublisherId": publisher_id, "CustomStatuses": []},
        ],
        "users": [
            {"Username": credentials.inksoft_username, "Email": credentials.inksoft_username,
             "Password": credentials.inksoft_password, "PublisherId": publisher_id,
             "Permissions": [FULFILMENT_PERMISSION]},
            {"Username": DESIGNER_USERNAME, "Email": DESIGNER_USERNAME,
             "Password": credentials.inksoft_password, "PublisherId": publisher_id,
             "Permissions": ["DesignStudioAdmin"]},
        ],
    }


def demo_orders(credentials: SimCredentials) -> list[dict]:
    """A handful of orders for `inkship sim --seed-demo`: every state the connector must tell apart."""
    store = credentials.inksoft_store
    address = {"ShippingAddress": True, "BillingAddress": True}
    tee = {"ProductName": "Youth Performance Tee", "ColorwayName": "Navy"}
    return [
        {"StoreUri": store, **address, "FirstName": "Dana", "LastName": "Ortiz",
         "CustomerNotes": "Need by Friday",
         "Items": [{**tee, "Size": "YM", "Quantity": 3}, {**tee, "Size": "YL", "Quantity": 2}]},
        {"StoreUri": store, **address, "FirstName": "Ari", "LastName": "Chen", "ProductionStatus": "Open",
         "PaymentStatus": "NotPaid"},
        {"StoreUri": store, **address, "FirstName": "Sam", "LastName": "Rivera",
         "ProductionStatus": "Awaiting Art"},
        {"StoreUri": store, "FirstName": "Pat", "LastName": "Nguyen",
         "Notes": "No shipping address on purpose"},
        {"StoreUri": SECOND_STORE_URI, **address, "FirstName": "Lee", "LastName": "Park",
         "GiftMessage": "Go team!",
         "Items": [{"ProductName": "Team Hoodie", "ColorwayName": "Green", "Size": "M", "Quantity": 1,
                    "PrintMethod": "Embroidery"}]},
    ]
