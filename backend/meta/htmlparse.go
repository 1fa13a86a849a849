package meta

import (
	"html"
	"strings"
)

// hnode is a node of the small tree the HTML scanner builds: an element
// (tag set) or a text node (tag empty). Only the attributes the reader uses
// are kept.
type hnode struct {
	tag  string // lower-case element name; "" for text
	text string // text node content, entities decoded
	src  string // src attribute (img, video, audio, source)
	href string // href attribute (a)
	kids []*hnode
}

// maxDepth bounds the tree: deeper elements are attached flat to the
// deepest kept one, so hostile input cannot make recursion go deep.
const maxDepth = 256

// voidElements never have content or an end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "param": true, "source": true, "track": true, "wbr": true,
}

// parseHTML builds a tree from s with a tolerant scanner, not a full HTML5
// parser (golang.org/x/net/html is not allowed): comments, doctype and
// processing instructions are skipped, script and style contents dropped,
// title and textarea read as text, void elements and "/>" never opened, an
// end tag closes the nearest open element of its name and is ignored when
// there is none. That is all the DYI pages need: well-formed nested divs.
func parseHTML(s string) *hnode {
	root := &hnode{tag: "#root"}
	stack := []*hnode{root}
	top := func() *hnode { return stack[len(stack)-1] }
	addText := func(t string) {
		if t == "" {
			return
		}
		if strings.IndexByte(t, '&') >= 0 {
			t = html.UnescapeString(t)
		}
		p := top()
		p.kids = append(p.kids, &hnode{text: t})
	}
	i := 0
	for i < len(s) {
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s) - i
			}
			addText(s[i : i+j])
			i += j
			continue
		}
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			end := strings.Index(rest[4:], "-->")
			if end < 0 {
				return root
			}
			i += 4 + end + 3
			continue
		case len(rest) > 1 && (rest[1] == '!' || rest[1] == '?'):
			end := strings.IndexByte(rest, '>')
			if end < 0 {
				return root
			}
			i += end + 1
			continue
		case len(rest) > 2 && rest[1] == '/' && isASCIILetter(rest[2]):
			name, _ := tagName(rest[2:])
			end := strings.IndexByte(rest, '>')
			if end < 0 {
				return root
			}
			for k := len(stack) - 1; k >= 1; k-- {
				if stack[k].tag == name {
					stack = stack[:k]
					break
				}
			}
			i += end + 1
			continue
		case len(rest) > 1 && isASCIILetter(rest[1]):
			el, n, selfClosing := scanStartTag(rest)
			i += n
			p := top()
			p.kids = append(p.kids, el)
			switch el.tag {
			case "script", "style":
				i += rawTextEnd(s[i:], el.tag)
				continue
			case "title", "textarea":
				j := rawTextLen(s[i:], el.tag)
				if t := s[i : i+j]; t != "" {
					el.kids = append(el.kids, &hnode{text: html.UnescapeString(t)})
				}
				i += rawTextEnd(s[i:], el.tag)
				continue
			}
			if !selfClosing && !voidElements[el.tag] && len(stack) < maxDepth {
				stack = append(stack, el)
			}
			continue
		default:
			addText("<")
			i++
		}
	}
	return root
}

func isASCIILetter(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// tagName reads an element name at the start of s, lower-cased.
func tagName(s string) (string, int) {
	n := 0
	for n < len(s) {
		c := s[n]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>' {
			break
		}
		n++
	}
	return strings.ToLower(s[:n]), n
}

// scanStartTag reads "<name attr=...>" at the start of s and returns the
// element, the bytes read and whether it ended with "/>". A tag cut off by
// the end of input consumes the rest.
func scanStartTag(s string) (*hnode, int, bool) {
	name, n := tagName(s[1:])
	el := &hnode{tag: name}
	i := 1 + n
	for i < len(s) {
		c := s[i]
		switch {
		case c == '>':
			return el, i + 1, false
		case c == '/' && i+1 < len(s) && s[i+1] == '>':
			return el, i + 2, true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/':
			i++
			continue
		}
		// attribute name
		start := i
		for i < len(s) {
			c := s[i]
			if c == '=' || c == '>' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || (c == '/' && i+1 < len(s) && s[i+1] == '>') {
				break
			}
			i++
		}
		attr := strings.ToLower(s[start:i])
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f') {
			i++
		}
		if i >= len(s) || s[i] != '=' {
			continue
		}
		i++
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f') {
			i++
		}
		var val string
		if i < len(s) && (s[i] == '"' || s[i] == '\'') {
			q := s[i]
			end := strings.IndexByte(s[i+1:], q)
			if end < 0 {
				return el, len(s), false
			}
			val = s[i+1 : i+1+end]
			i += end + 2
		} else {
			start := i
			for i < len(s) && s[i] != '>' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' && s[i] != '\f' {
				i++
			}
			val = s[start:i]
		}
		switch attr {
		case "src":
			el.src = html.UnescapeString(val)
		case "href":
			el.href = html.UnescapeString(val)
		}
	}
	return el, len(s), false
}

// rawTextLen returns the length of the text before "</tag" (any case), or
// of all of s when there is none.
func rawTextLen(s, tag string) int {
	closing := "</" + tag
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			return len(s)
		}
		i += j
		if len(s)-i >= len(closing) && strings.EqualFold(s[i:i+len(closing)], closing) {
			return i
		}
		i++
	}
}

// rawTextEnd returns the length of the raw text and its end tag.
func rawTextEnd(s, tag string) int {
	i := rawTextLen(s, tag)
	if i >= len(s) {
		return len(s)
	}
	end := strings.IndexByte(s[i:], '>')
	if end < 0 {
		return len(s)
	}
	return i + end + 1
}
