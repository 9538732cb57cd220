"""Tagged certificates put together from WeasyPrint's shared page and the holder's words drawn on it (see
pdf.render_recognition_pdfs and holder.py).

WeasyPrint tags the shared pages' document (pdf_tags=True): a structure tree of the page's elements (headings,
paragraphs) tied to the marked content of the page by MCIDs, and a parent tree from the page's marked content
back to its elements. The holder's words are drawn on the same page as marked content with the next MCIDs, so a
certificate's structure tree is the shared page's, completed:

- the name and position (a Div of two P) right after the heading block ("awarded to");
- the QR code (a Figure with its alternative text and bounding box) and its code (a P) in a Div at the end;
- one parent-tree entry for the page (StructParents 0) listing the elements of every MCID.

The shared page's sections are prepared once per batch (StaticLayer): detached from their document so that
copying one section into a certificate copies that section and nothing of the other pages.
"""

import pikepdf

PARENT_KEY = 0


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


class StaticLayer:
    """The tagging of a batch's shared pages (WeasyPrint's), ready to be copied page by page and completed
    with the holder's words drawn on each (certificates/holder.py)."""

    def __init__(self, statics):
        self.statics = statics
        _, self.sections = _page_sections(statics)
        self.parents = _parent_arrays(statics)
        for sections in self.sections.values():
            for section in sections:
                del section["/P"]  # detached: copying a section does not copy the document and every page

    def _key(self, static_index):
        return int(self.statics.pages[static_index].obj.StructParents)

    def next_mcid(self, static_index):
        """The first marked-content id free on the shared page `static_index`."""
        return len(self.parents[self._key(static_index)])

    def tag(self, single, static_index, words, figure):
        """Give `single` (the shared page `static_index` with a holder's words drawn on it) one structure tree:
        the page's own elements, then `words` ((structure type, MCID) of the name and position) right after
        the heading block ("awarded to"), and `figure` ((alternative text, bounding box, MCID) of the QR code,
        then the MCID of its code) at the end."""
        page = single.pages[0].obj
        statics = [single.copy_foreign(s) for s in self.sections.get(static_index, [])]
        parents = single.copy_foreign(self.parents[self._key(static_index)])

        def element(kind, mcid=None, kids=(), **extra):
            made = single.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=kind, Pg=page, **extra))
            if mcid is not None:
                made.K = pikepdf.Array([mcid])
                while len(parents) <= mcid:
                    parents.append(None)
                parents[mcid] = made
            else:
                made.K = pikepdf.Array(kids)
                for kid in kids:
                    kid.P = made
            return made

        holder = element(pikepdf.Name.Div, kids=[element(pikepdf.Name(kind), mcid) for kind, mcid in words])
        (alt, bbox, figure_mcid), code_mcid = figure
        qr_code = element(
            pikepdf.Name.Figure,
            figure_mcid,
            Alt=pikepdf.String(alt),
            A=pikepdf.Dictionary(O=pikepdf.Name.Layout, BBox=pikepdf.Array(bbox)),
        )
        verification = element(pikepdf.Name.Div, kids=[qr_code, element(pikepdf.Name.P, code_mcid)])

        root = single.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
        document = single.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root, Pg=page)
        )
        kids = _reading_order(statics, holder, verification)
        for kid in kids:
            kid.P = document
        document.K = pikepdf.Array(kids)
        root.K = pikepdf.Array([document])
        root.ParentTree = single.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array([PARENT_KEY, parents])))
        root.ParentTreeNextKey = PARENT_KEY + 1
        page.StructParents = PARENT_KEY
        single.Root.StructTreeRoot = root
        single.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
        single.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)


def _find(sections, kind):
    for section in sections:
        for element in _elements(section):
            if element.get("/S") == kind and "/P" in element:
                return element
    return None


def _reading_order(statics, holder, verification):
    """The top elements in reading order: the holder's block (name, position) right after the shared page's
    heading block (the one holding the H1: "RECOGNITION … awarded to"), the verification block (QR code and
    code) after everything else. A page not shaped like that gets the holder's blocks after its own."""
    heading = _find(statics, "/H1")
    head = heading.P if heading is not None else None
    frame = head.get("/P") if head is not None else None
    if frame is None:
        return [*statics, holder, verification]
    static_side = list(frame.K)
    after = next(i for i, kid in enumerate(static_side) if kid.objgen == head.objgen) + 1
    holder.P = verification.P = frame
    frame.K = pikepdf.Array([*static_side[:after], holder, *static_side[after:], verification])
    return statics
