#!/usr/bin/env python3
"""Writes the emulator's shipped standard-object describes (run from this directory).

The JSON files are checked in and compiled into the emulator; this script documents how they were
made and keeps them consistent. Field names, types, lengths and flags follow Salesforce's Object
Reference (SOAP API Developer Guide, "Standard Objects"): a representative field set per object,
not every field. Each field carries every key a real describe carries for it.

Task.json and Account.json keep the test seed's custom fields (uuid__c, ExtId__c, ...) and their
existing standard fields verbatim: fields already in the file win over the ones listed here.
"""
import json
import os
from collections import OrderedDict

VERSION = "v62.0"


def field(name, type_, label=None, **kw):
    soap = {
        "id": "tns:ID", "reference": "tns:ID", "boolean": "xsd:boolean", "int": "xsd:int",
        "double": "xsd:double", "currency": "xsd:double", "percent": "xsd:double",
        "date": "xsd:date", "datetime": "xsd:dateTime", "address": "urn:address",
        "location": "urn:location",
    }.get(type_, "xsd:string")
    length = kw.pop("length", 18 if type_ in ("id", "reference") else 0)
    f = OrderedDict(
        name=name, label=label or name, type=type_, length=length,
        byteLength=length * 3, precision=0, scale=0, digits=0,
        nillable=True, createable=True, updateable=True, defaultedOnCreate=False,
        unique=False, caseSensitive=False, externalId=False, idLookup=False,
        calculated=False, autoNumber=False, nameField=False, polymorphicForeignKey=False,
        picklistValues=[], restrictedPicklist=False, referenceTo=[], relationshipName=None,
        inlineHelpText=None, compoundFieldName=None, soapType=soap, defaultValue=None,
        custom=False, filterable=True, sortable=type_ not in ("textarea", "address", "location"),
        groupable=type_ not in ("textarea", "double", "currency", "percent", "datetime",
                                "address", "location"),
    )
    f.update(kw)
    if f["polymorphicForeignKey"] is False and len(f["referenceTo"]) > 1:
        f["polymorphicForeignKey"] = True
    return f


def ro(name, type_, label=None, **kw):
    """Read-only, never null, filled by Salesforce (system fields)."""
    kw.setdefault("nillable", False)
    kw.setdefault("defaultedOnCreate", True)
    return field(name, type_, label, createable=False, updateable=False, **kw)


def pick(*values, default=None, restricted=False):
    return dict(
        picklistValues=[
            OrderedDict(value=v, label=v, active=True, defaultValue=(v == default), validFor=None)
            for v in values
        ],
        restrictedPicklist=restricted,
    )


def ref(name, label, targets, rel, **kw):
    return field(name, "reference", label, referenceTo=list(targets), relationshipName=rel, **kw)


def id_field(label):
    return ro("Id", "id", label, idLookup=True)


def system_fields(owner_targets=("User",), owner=True):
    out = [
        ro("IsDeleted", "boolean", "Deleted"),
        ro("CreatedDate", "datetime", "Created Date"),
        ref("CreatedById", "Created By ID", ["User"], "CreatedBy", createable=False,
            updateable=False, nillable=False, defaultedOnCreate=True),
        ro("LastModifiedDate", "datetime", "Last Modified Date"),
        ref("LastModifiedById", "Last Modified By ID", ["User"], "LastModifiedBy",
            createable=False, updateable=False, nillable=False, defaultedOnCreate=True),
        ro("SystemModstamp", "datetime", "System Modstamp"),
    ]
    if owner:
        out.insert(0, ref("OwnerId", "Owner ID", owner_targets, "Owner", nillable=False,
                          defaultedOnCreate=True))
    return out


GEOCODE = pick("Address", "NearAddress", "Block", "Street", "ExtendedZip", "Zip",
               "Neighborhood", "City", "County", "State", "Unknown", restricted=True)


def address(prefix, label):
    """An address's components and the read-only compound field (`BillingAddress`, ...)."""
    compound = prefix + "Address" if prefix else "Address"
    lab = (label + " ") if label else ""
    parts = [
        field(prefix + "Street", "textarea", lab + "Street", length=255),
        field(prefix + "City", "string", lab + "City", length=40),
        field(prefix + "State", "string", lab + "State/Province", length=80),
        field(prefix + "PostalCode", "string", lab + "Zip/Postal Code", length=20),
        field(prefix + "Country", "string", lab + "Country", length=80),
        field(prefix + "Latitude", "double", lab + "Latitude", precision=18, scale=15),
        field(prefix + "Longitude", "double", lab + "Longitude", precision=18, scale=15),
        field(prefix + "GeocodeAccuracy", "picklist", lab + "Geocode Accuracy", length=40,
              **GEOCODE),
    ]
    for p in parts:
        p["compoundFieldName"] = compound
    parts.append(field(compound, "address", (label + " Address") if label else "Address",
                       createable=False, updateable=False))
    return parts


def person_name(last_len=80):
    """LastName / FirstName / Salutation and the read-only compound `Name` built from them."""
    parts = [
        field("LastName", "string", "Last Name", length=last_len, nillable=False),
        field("FirstName", "string", "First Name", length=40),
        field("Salutation", "picklist", "Salutation", length=40,
              **pick("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.")),
    ]
    for p in parts:
        p["compoundFieldName"] = "Name"
    parts.append(field("Name", "string", "Full Name", length=121, nillable=False,
                       createable=False, updateable=False, nameField=True))
    return parts


LEAD_SOURCE = pick("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other")
RATING = pick("Hot", "Warm", "Cold")
INDUSTRY = pick("Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals",
                "Communications", "Construction", "Consulting", "Education", "Electronics",
                "Energy", "Engineering", "Entertainment", "Environmental", "Finance",
                "Food & Beverage", "Government", "Healthcare", "Hospitality", "Insurance",
                "Machinery", "Manufacturing", "Media", "Not For Profit", "Recreation", "Retail",
                "Shipping", "Technology", "Telecommunications", "Transportation", "Utilities",
                "Other")


def child(obj, fld, rel, cascade=False):
    return OrderedDict(cascadeDelete=cascade, childSObject=obj, deprecatedAndHidden=False,
                       field=fld, junctionIdListNames=[], junctionReferenceTo=[],
                       relationshipName=rel, restrictedDelete=False)


def describe(name, label, plural, prefix, fields, children=(), **flags):
    top = OrderedDict(
        actionOverrides=[], activateable=False, associateEntityType=None,
        associateParentEntity=None, childRelationships=list(children), compactLayoutable=True,
        createable=True, custom=False, customSetting=False, deepCloneable=False,
        defaultImplementation=None, deletable=True, deprecatedAndHidden=False,
        extendedBy=None, extendsInterfaces=None, feedEnabled=True, fields=fields,
        hasSubtypes=False, implementedBy=None, implementsInterfaces=None, isInterface=False,
        isSubtype=False, keyPrefix=prefix, label=label, labelPlural=plural, layoutable=True,
        listviewable=None, lookupLayoutable=None, mergeable=False, mruEnabled=True, name=name,
        namedLayoutInfos=[], networkScopeFieldName=None, queryable=True,
        recordTypeInfos=[OrderedDict(
            active=True, available=True, defaultRecordTypeMapping=True,
            developerName="Master", master=True, name="Master",
            recordTypeId="012000000000000AAA",
            urls={"layout": f"/services/data/{VERSION}/sobjects/{name}/describe/layouts/012000000000000AAA"},
        )],
        replicateable=True, retrieveable=True, searchLayoutable=True, searchable=True,
        sobjectDescribeOption="FULL", supportedScopes=[], triggerable=True, undeletable=True,
        updateable=True,
        urls=OrderedDict(
            compactLayouts=f"/services/data/{VERSION}/sobjects/{name}/describe/compactLayouts",
            rowTemplate=f"/services/data/{VERSION}/sobjects/{name}/{{ID}}",
            approvalLayouts=f"/services/data/{VERSION}/sobjects/{name}/describe/approvalLayouts",
            defaultValues=f"/services/data/{VERSION}/sobjects/{name}/defaultValues?recordTypeId&fields",
            listviews=f"/services/data/{VERSION}/sobjects/{name}/listviews",
            describe=f"/services/data/{VERSION}/sobjects/{name}/describe",
            quickActions=f"/services/data/{VERSION}/sobjects/{name}/quickActions",
            layouts=f"/services/data/{VERSION}/sobjects/{name}/describe/layouts",
            sobject=f"/services/data/{VERSION}/sobjects/{name}",
        ),
    )
    top.update(flags)
    return top


def merge_existing(file, generated):
    """Keeps the fields already in `file` verbatim (the test seed), in their order, then adds the
    generated fields it lacks, in generated order."""
    if not os.path.exists(file):
        return generated
    with open(file) as fh:
        old = json.load(fh)
    have = {f["name"].lower() for f in old["fields"]}
    fields = list(old["fields"]) + [f for f in generated["fields"] if f["name"].lower() not in have]
    generated["fields"] = fields
    return generated


ACCOUNT = describe("Account", "Account", "Accounts", "001", [
    id_field("Account ID"),
    ref("MasterRecordId", "Master Record ID", ["Account"], "MasterRecord", createable=False,
        updateable=False),
    field("Name", "string", "Account Name", length=255, nillable=False, idLookup=True,
          nameField=True),
    field("Type", "picklist", "Account Type", length=255,
          **pick("Prospect", "Customer - Direct", "Customer - Channel",
                 "Channel Partner / Reseller", "Installation Partner", "Technology Partner",
                 "Other")),
    ref("ParentId", "Parent Account ID", ["Account"], "Parent"),
    *address("Billing", "Billing"),
    *address("Shipping", "Shipping"),
    field("Phone", "phone", "Account Phone", length=40),
    field("Fax", "phone", "Account Fax", length=40),
    field("AccountNumber", "string", "Account Number", length=40),
    field("Website", "url", "Website", length=255),
    field("Industry", "picklist", "Industry", length=255, **INDUSTRY),
    field("AnnualRevenue", "currency", "Annual Revenue", precision=18),
    field("NumberOfEmployees", "int", "Employees", digits=8),
    field("Rating", "picklist", "Account Rating", length=255, **RATING),
    field("Site", "string", "Account Site", length=80),
    field("Description", "textarea", "Account Description", length=32000),
    *system_fields(["User"]),
], [
    child("Account", "ParentId", "ChildAccounts"),
    child("Contact", "AccountId", "Contacts"),
    child("Opportunity", "AccountId", "Opportunities", cascade=True),
    child("Case", "AccountId", "Cases"),
    child("Task", "WhatId", "Tasks", cascade=True),
    child("Event", "WhatId", "Events", cascade=True),
], mergeable=True)

CONTACT = describe("Contact", "Contact", "Contacts", "003", [
    id_field("Contact ID"),
    ref("MasterRecordId", "Master Record ID", ["Contact"], "MasterRecord", createable=False,
        updateable=False),
    ref("AccountId", "Account ID", ["Account"], "Account"),
    *person_name(),
    *address("Mailing", "Mailing"),
    *address("Other", "Other"),
    field("Phone", "phone", "Business Phone", length=40),
    field("MobilePhone", "phone", "Mobile Phone", length=40),
    field("Email", "email", "Email", length=80, idLookup=True),
    field("Title", "string", "Title", length=128),
    field("Department", "string", "Department", length=80),
    ref("ReportsToId", "Reports To ID", ["Contact"], "ReportsTo"),
    field("LeadSource", "picklist", "Lead Source", length=255, **LEAD_SOURCE),
    field("Birthdate", "date", "Birthdate"),
    field("Description", "textarea", "Contact Description", length=32000),
    field("HasOptedOutOfEmail", "boolean", "Email Opt Out", nillable=False,
          defaultedOnCreate=True, defaultValue=False),
    field("DoNotCall", "boolean", "Do Not Call", nillable=False, defaultedOnCreate=True,
          defaultValue=False),
    *system_fields(["User"]),
], [
    child("Contact", "ReportsToId", "ReportsTo"),
    child("Case", "ContactId", "Cases"),
    child("Task", "WhoId", "Tasks", cascade=True),
    child("Event", "WhoId", "Events", cascade=True),
], mergeable=True)

LEAD = describe("Lead", "Lead", "Leads", "00Q", [
    id_field("Lead ID"),
    *person_name(),
    field("Title", "string", "Title", length=128),
    field("Company", "string", "Company", length=255, nillable=False),
    *address("", ""),
    field("Phone", "phone", "Phone", length=40),
    field("MobilePhone", "phone", "Mobile Phone", length=40),
    field("Email", "email", "Email", length=80, idLookup=True),
    field("Website", "url", "Website", length=255),
    field("Description", "textarea", "Description", length=32000),
    field("LeadSource", "picklist", "Lead Source", length=255, **LEAD_SOURCE),
    field("Status", "picklist", "Status", length=255, nillable=False, defaultedOnCreate=True,
          **pick("Open - Not Contacted", "Working - Contacted", "Closed - Converted",
                 "Closed - Not Converted", default="Open - Not Contacted")),
    field("Industry", "picklist", "Industry", length=255, **INDUSTRY),
    field("Rating", "picklist", "Rating", length=255, **RATING),
    field("AnnualRevenue", "currency", "Annual Revenue", precision=18),
    field("NumberOfEmployees", "int", "Employees", digits=8),
    field("IsConverted", "boolean", "Converted", nillable=False, updateable=False,
          defaultedOnCreate=True, defaultValue=False),
    ro("ConvertedDate", "date", "Converted Date", nillable=True, defaultedOnCreate=False),
    ref("ConvertedAccountId", "Converted Account ID", ["Account"], "ConvertedAccount",
        createable=False, updateable=False),
    ref("ConvertedContactId", "Converted Contact ID", ["Contact"], "ConvertedContact",
        createable=False, updateable=False),
    ref("ConvertedOpportunityId", "Converted Opportunity ID", ["Opportunity"],
        "ConvertedOpportunity", createable=False, updateable=False),
    *system_fields(["Group", "User"]),
], [
    child("Task", "WhoId", "Tasks", cascade=True),
    child("Event", "WhoId", "Events", cascade=True),
], mergeable=True)

OPPORTUNITY = describe("Opportunity", "Opportunity", "Opportunities", "006", [
    id_field("Opportunity ID"),
    ref("AccountId", "Account ID", ["Account"], "Account"),
    field("IsPrivate", "boolean", "Private", nillable=False, defaultedOnCreate=True,
          defaultValue=False),
    field("Name", "string", "Name", length=120, nillable=False, idLookup=True, nameField=True),
    field("Description", "textarea", "Description", length=32000),
    field("StageName", "picklist", "Stage", length=255, nillable=False,
          **pick("Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
                 "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
                 "Negotiation/Review", "Closed Won", "Closed Lost")),
    field("Amount", "currency", "Amount", precision=18, scale=2),
    field("Probability", "percent", "Probability (%)", precision=3, scale=0),
    ro("ExpectedRevenue", "currency", "Expected Amount", precision=18, scale=2, nillable=True,
       defaultedOnCreate=False, calculated=True),
    field("CloseDate", "date", "Close Date", nillable=False),
    field("Type", "picklist", "Opportunity Type", length=255,
          **pick("Existing Customer - Upgrade", "Existing Customer - Replacement",
                 "Existing Customer - Downgrade", "New Customer")),
    field("NextStep", "string", "Next Step", length=255),
    field("LeadSource", "picklist", "Lead Source", length=255, **LEAD_SOURCE),
    ro("IsClosed", "boolean", "Closed"),
    ro("IsWon", "boolean", "Won"),
    *system_fields(["User"]),
], [
    child("Task", "WhatId", "Tasks", cascade=True),
    child("Event", "WhatId", "Events", cascade=True),
])

CASE = describe("Case", "Case", "Cases", "500", [
    id_field("Case ID"),
    ro("CaseNumber", "string", "Case Number", length=30, autoNumber=True, idLookup=True,
       nameField=True),
    ref("ContactId", "Contact ID", ["Contact"], "Contact"),
    ref("AccountId", "Account ID", ["Account"], "Account"),
    ref("ParentId", "Parent Case ID", ["Case"], "Parent"),
    field("SuppliedName", "string", "Web Name", length=80),
    field("SuppliedEmail", "email", "Web Email", length=80),
    field("SuppliedPhone", "string", "Web Phone", length=40),
    field("SuppliedCompany", "string", "Web Company", length=80),
    field("Type", "picklist", "Case Type", length=255,
          **pick("Mechanical", "Electrical", "Electronic", "Structural", "Other")),
    field("Status", "picklist", "Status", length=255, nillable=False, defaultedOnCreate=True,
          **pick("New", "Working", "Escalated", "Closed", default="New")),
    field("Reason", "picklist", "Case Reason", length=255,
          **pick("Installation", "Equipment Complexity", "Performance", "Breakdown",
                 "Equipment Design", "Feedback", "Other")),
    field("Origin", "picklist", "Case Origin", length=255, **pick("Phone", "Email", "Web")),
    field("Subject", "string", "Subject", length=255),
    field("Priority", "picklist", "Priority", length=255,
          **pick("High", "Medium", "Low", default="Medium")),
    field("Description", "textarea", "Description", length=32000),
    ro("IsClosed", "boolean", "Closed"),
    ro("ClosedDate", "datetime", "Closed Date", nillable=True, defaultedOnCreate=False),
    field("IsEscalated", "boolean", "Escalated", nillable=False, defaultedOnCreate=True,
          defaultValue=False),
    *system_fields(["Group", "User"]),
], [
    child("Case", "ParentId", "Cases"),
    child("Task", "WhatId", "Tasks", cascade=True),
    child("Event", "WhatId", "Events", cascade=True),
])

TASK = describe("Task", "Task", "Tasks", "00T", [
    id_field("Activity ID"),
    ref("AccountId", "Account ID", ["Account"], "Account", createable=False, updateable=False),
    field("IsHighPriority", "boolean", "High Priority", createable=False, updateable=False,
          nillable=False, defaultedOnCreate=True),
    field("TaskSubtype", "picklist", "Task Subtype", length=40, updateable=False,
          **pick("Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn", restricted=True)),
    *system_fields(["Group", "User"]),
], feedEnabled=False, mergeable=False)

EVENT = describe("Event", "Event", "Events", "00U", [
    id_field("Activity ID"),
    ref("WhoId", "Name ID", ["Contact", "Lead"], "Who"),
    ref("WhatId", "Related To ID", ["Account", "Opportunity", "Case"], "What"),
    field("Subject", "combobox", "Subject", length=255,
          **pick("Call", "Email", "Meeting", "Send Letter/Quote", "Other")),
    field("Location", "string", "Location", length=255),
    field("IsAllDayEvent", "boolean", "All-Day Event", nillable=False, defaultedOnCreate=True,
          defaultValue=False),
    field("ActivityDateTime", "datetime", "Due Date Time"),
    field("ActivityDate", "date", "Due Date Only"),
    field("DurationInMinutes", "int", "Duration", digits=9),
    field("StartDateTime", "datetime", "Start Date Time"),
    field("EndDateTime", "datetime", "End Date Time"),
    field("Description", "textarea", "Description", length=32000),
    ref("AccountId", "Account ID", ["Account"], "Account", createable=False, updateable=False),
    field("IsPrivate", "boolean", "Private", nillable=False, defaultedOnCreate=True,
          defaultValue=False),
    field("ShowAs", "picklist", "Show Time As", length=40,
          **pick("Busy", "OutOfOffice", "Free", default="Busy", restricted=True)),
    *system_fields(["Calendar", "User"]),
], feedEnabled=False, mergeable=False)

LOCALE = pick("en_US", "en_GB", "de_DE", "fr_FR", "ja_JP", restricted=True)
USER = describe("User", "User", "Users", "005", [
    id_field("User ID"),
    field("Username", "string", "Username", length=80, nillable=False, idLookup=True),
    *person_name(),
    field("CompanyName", "string", "Company Name", length=80),
    field("Title", "string", "Title", length=80),
    field("Department", "string", "Department", length=80),
    field("Email", "email", "Email", length=128, nillable=False),
    field("Phone", "phone", "Phone", length=40),
    field("Alias", "string", "Alias", length=8, nillable=False),
    field("CommunityNickname", "string", "Nickname", length=40, nillable=False,
          defaultedOnCreate=True, idLookup=True),
    field("IsActive", "boolean", "Active", nillable=False, defaultedOnCreate=True,
          defaultValue=True),
    field("TimeZoneSidKey", "picklist", "Time Zone", length=40, nillable=False,
          **pick("America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Paris",
                 "Asia/Tokyo", "GMT", restricted=True)),
    field("LocaleSidKey", "picklist", "Locale", length=40, nillable=False, **LOCALE),
    field("EmailEncodingKey", "picklist", "Email Encoding", length=40, nillable=False,
          **pick("UTF-8", "ISO-8859-1", "Shift_JIS", restricted=True)),
    field("LanguageLocaleKey", "picklist", "Language", length=40, nillable=False,
          **pick("en_US", "de", "fr", "ja", restricted=True)),
    ref("ProfileId", "Profile ID", ["Profile"], "Profile", nillable=False),
    ref("UserRoleId", "Role ID", ["UserRole"], "UserRole"),
    ref("ManagerId", "Manager ID", ["User"], "Manager"),
    field("FederationIdentifier", "string", "SAML Federation ID", length=512, idLookup=True),
    *system_fields(owner=False),
], [
    child("User", "ManagerId", "ManagedUsers"),
], feedEnabled=True, mergeable=False, deletable=False, undeletable=False)

OBJECTS = [ACCOUNT, CONTACT, LEAD, OPPORTUNITY, CASE, TASK, EVENT, USER]


def main():
    for obj in OBJECTS:
        file = obj["name"] + ".json"
        if obj["name"] in ("Task", "Account"):
            obj = merge_existing(file, obj)
        with open(file, "w") as fh:
            json.dump(obj, fh, indent=1)
            fh.write("\n")


if __name__ == "__main__":
    main()
