package contract

// Route is a route of authstack's API: method and resource path.
type Route struct{ Method, Path string }

// GuestRoute is the open route (no authorizer), served by the API handler.
var GuestRoute = Route{"GET", "/guest"}

// HandlerRoutes are the routes the API handler function serves behind the
// authorizer; each needs an access rule (rules.Defaults gives them).
var HandlerRoutes = []Route{{"GET", "/user"}, {"GET", "/client"}, {"GET", "/users/{id}"}, {"POST", "/auth/logout"}}

// ProxyRoute is the HTTP proxy to the upstream, when there is one.
var ProxyRoute = Route{"ANY", "/proxy/{proxy+}"}
