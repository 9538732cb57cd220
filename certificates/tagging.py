"""Tagged certificates when their pages are put together from two layers (see pdf.render_recognition_pdfs).

WeasyPrint tags each layer's document (pdf_tags=True): a structure tree of the page's elements (headings,
paragraphs, the QR code as a figure with its alternative text) tied to the marked content of the page by MCIDs,
and a parent tree from the page's marked content back to its elements. A composed certificate is the static
page with the holder's page drawn over it as a form XObject, so its structure tree is rebuilt from both:

- the static page's section, as it is (its marked content is the page's own, under StructParents 0);
- the holder's section, whose marked content is now inside the form XObject: its elements point at it with
  marked-content references (/MCR with /Stm, PDF 1.7 §14.7.4.2) and the XObject has StructParents 1;
- in reading order: the holder's name and position right after the heading block ("awarded to"), the QR code
  and its code at the end.

The layers are prepared once per batch (prepare_layers): sections detached from their document so that copying
one section into a certificate copies that section and nothing of the other pages.
"""

import pikepdf

STATIC_PARENT_KEY, VARIABLE_PARENT_KEY = 0, 1


def _elements(element):
    """The structure elements under `element` (itself included), depth first."""
    yield element
    kids = element.get("/K")
    if isinstance(kids, pikepdf.Array):
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                yield from _elements(kid)


def _page_sections(pdf):
    """{page index: [the top structure elements of that page]} below the document element."""
    index = {page.objgen: i for i, page in enumerate(pdf.pages)}
    document = pdf.Root.StructTreeRoot.K[0]
    sections = {}
    for section in document.K:
        page = section.get("/Pg")
        if page is not None:
            sections.setdefault(index[page.objgen], []).append(section)
    return document, sections


def _parent_arrays(pdf):
    """{StructParents key: the array of elements by MCID} of the parent tree (a flat /Nums, as WeasyPrint
    writes it)."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    # Indirect, so that each certificate can copy its page's array (copy_foreign takes indirect objects only).
    return {int(nums[i]): pdf.make_indirect(nums[i + 1]) for i in range(0, len(nums), 2)}


class Layers:
    """The tagging of both layers' documents, ready to be copied page by page."""

    def __init__(self, statics, variables):
        self.statics, self.variables = statics, variables
        self.document = statics.Root.StructTreeRoot.K[0]
        _, self.static_sections = _page_sections(statics)
        _, self.variable_sections = _page_sections(variables)
        self.static_parents = _parent_arrays(statics)
        self.variable_parents = _parent_arrays(variables)
        for sections in (*self.static_sections.values(), *self.variable_sections.values()):
            for section in sections:
                del section["/P"]  # detached: copying a section does not copy the document and every page
        # The holder's elements will point at the form XObject, not at their page of the variable document:
        # without /Pg a copy does not drag that page (and through it every page of the batch) along.
        for sections in self.variable_sections.values():
            for section in sections:
                for element in _elements(section):
                    if "/Pg" in element:
                        del element["/Pg"]

    def tag(self, single, static_index, variable_index, xobject):
        """Give `single` (one composed certificate: the static page `static_index` with the variable page
        `variable_index` drawn as `xobject`) the structure tree of both."""
        page = single.pages[0].obj
        statics = [single.copy_foreign(s) for s in self.static_sections.get(static_index, [])]
        static_key = int(self.statics.pages[static_index].obj.StructParents)
        static_parents = single.copy_foreign(self.static_parents[static_key])
        variables = [single.copy_foreign(s) for s in self.variable_sections.get(variable_index, [])]
        variable_key = int(self.variables.pages[variable_index].obj.StructParents)
        variable_parents = single.copy_foreign(self.variable_parents[variable_key])
        for section in variables:
            for element in _elements(section):
                kids = element.get("/K")
                if isinstance(kids, int):
                    kids = pikepdf.Array([kids])
                if isinstance(kids, pikepdf.Array):
                    element.K = pikepdf.Array(
                        [
                            pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=page, Stm=xobject, MCID=kid)
                            if isinstance(kid, int)
                            else kid
                            for kid in kids
                        ]
                    )
            section.Pg = page

        root = single.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
        document = single.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root, Pg=page)
        )
        kids = _reading_order(statics, variables)
        for kid in kids:
            kid.P = document
        document.K = pikepdf.Array(kids)
        root.K = pikepdf.Array([document])
        root.ParentTree = single.make_indirect(
            pikepdf.Dictionary(
                Nums=pikepdf.Array([STATIC_PARENT_KEY, static_parents, VARIABLE_PARENT_KEY, variable_parents])
            )
        )
        root.ParentTreeNextKey = 2
        page.StructParents = STATIC_PARENT_KEY
        xobject.StructParents = VARIABLE_PARENT_KEY
        single.Root.StructTreeRoot = root
        single.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
        single.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)


def _find(sections, kind):
    for section in sections:
        for element in _elements(section):
            if element.get("/S") == kind and "/P" in element:
                return element
    return None


def _reading_order(statics, variables):
    """The top elements in reading order: the holder's block (name, position) right after the static layer's
    heading block (the one holding the H1: "RECOGNITION … awarded to"), the verification block (QR code and
    code) after everything else. Pages not shaped like that keep the holder's layer after the static one."""
    heading, qr_code = _find(statics, "/H1"), _find(variables, "/Figure")
    if heading is None or qr_code is None:
        return statics + variables
    head = heading.P
    frame = head.get("/P")
    verification = qr_code.P
    container = verification.get("/P")
    if frame is None or container is None:
        return statics + variables
    holder_side = list(container.K)
    at = next(i for i, kid in enumerate(holder_side) if kid.objgen == verification.objgen)
    holder, rest = holder_side[:at], holder_side[at:]
    static_side = list(frame.K)
    after = next(i for i, kid in enumerate(static_side) if kid.objgen == head.objgen) + 1
    for kid in holder + rest:
        kid.P = frame
    frame.K = pikepdf.Array(static_side[:after] + holder + static_side[after:] + rest)
    return statics
