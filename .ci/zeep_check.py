#!/usr/bin/env python3
"""Independent wire check with Python zeep, an unrelated SOAP stack.

Usage: zeep_check.py OFFICIAL.wsdl BODIES_DIR

BODIES_DIR holds what `ips-client/tests/every_operation.rs` exchanged
(SAMPLE_BODIES_DIR): per operation and SOAP version, the request and
response envelopes (`*.envelope`) and their body payloads (`*.xml`).

For every operation zeep, loading the official WSDL:
  * reads our request payload and header into its own typed values, builds
    its own request envelope from those values, and that envelope must equal
    ours as canonical XML (C14N 2.0, prefixes rewritten, so prefix choices
    may differ);
  * reads our response payload into its typed values and writes them back,
    and the result must equal our response as canonical XML: zeep reads
    exactly the values we wrote.
Exits non-zero on the first kind of disagreement, listing each.
"""

import glob
import os
import sys
from xml.etree.ElementTree import canonicalize

from lxml import etree
import zeep
from zeep.helpers import serialize_object

SOAP_PORTS = {"soap11": "IpsApiSoapPort", "soap12": "IpsApiSoap12Port"}


def c14n(xml):
    if not isinstance(xml, (bytes, str)):
        xml = etree.tostring(xml)
    if isinstance(xml, bytes):
        xml = xml.decode("utf-8")
    return canonicalize(xml_data=xml, rewrite_prefixes=True)


def difference(ours, theirs):
    """The two canonical forms around their first difference."""
    at = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
    start = max(0, at - 150)
    return f"\n  ours: ...{ours[start:at + 150]}\n  zeep: ...{theirs[start:at + 150]}"


def parse_element(client, node):
    qname = etree.QName(node)
    element = client.get_element("{%s}%s" % (qname.namespace, qname.localname))
    return element, element.parse(node, client.wsdl.types)


def main():
    wsdl, bodies = sys.argv[1], sys.argv[2]
    client = zeep.Client(wsdl)
    failures = []
    checked = {"request": 0, "response": 0}
    operations = set()

    for envelope_path in sorted(glob.glob(os.path.join(bodies, "*.request.envelope"))):
        name, tag = os.path.basename(envelope_path).split(".")[:2]
        operations.add(name)
        service = client.bind("IpsApiService", SOAP_PORTS[tag])
        ours = etree.parse(envelope_path).getroot()
        soap_ns = etree.QName(ours).namespace
        body = ours.find("{%s}Body" % soap_ns)[0]
        header = ours.find("{%s}Header" % soap_ns)

        # Request: zeep builds its envelope from the values it read in ours.
        _, value = parse_element(client, body)
        kwargs = {key: value[key] for key in value} if value is not None else {}
        soapheaders = []
        if header is not None:
            for block in header:
                element, header_value = parse_element(client, block)
                soapheaders.append(element(**serialize_object(header_value)))
        try:
            theirs = client.create_message(service, name, _soapheaders=soapheaders, **kwargs)
        except Exception as error:  # zeep refusing our values is a finding too
            failures.append(f"{name} ({tag}) request: zeep could not build it: {error}")
            continue
        if c14n(theirs) != c14n(ours):
            failures.append(f"{name} ({tag}) request envelopes differ:{difference(c14n(ours), c14n(theirs))}")
        checked["request"] += 1

        # Response: zeep reads our payload and writes the same values back.
        response_path = os.path.join(bodies, f"{name}.{tag}.response.xml")
        response = etree.parse(response_path).getroot()
        element, value = parse_element(client, response)
        checked["response"] += 1
        if value is None:
            # zeep reads an element of an empty type as None; ours must be empty too.
            if len(response) or (response.text or "").strip():
                failures.append(f"{name} ({tag}) response: zeep read nothing from {c14n(response)[:300]}")
            continue
        parent = etree.Element("parent")
        element.render(parent, value)
        if c14n(parent[0]) != c14n(response):
            failures.append(
                f"{name} ({tag}) response read by zeep differs:{difference(c14n(response), c14n(parent[0]))}"
            )

    for failure in failures:
        print(failure)
    print(
        f"zeep {zeep.__version__}: {len(operations)} operations, "
        f"{checked['request']} request envelopes and {checked['response']} responses compared, "
        f"{len(failures)} disagreements"
    )
    if "executeJob" not in operations or len(operations) < 21:
        print("error: executeJob and at least 20 other operations must be compared", file=sys.stderr)
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
