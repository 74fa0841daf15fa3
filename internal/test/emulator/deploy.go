package emulator

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// Deployment is a deployed stack.
type Deployment struct {
	// StackName and StackID of the stack.
	StackName, StackID string
	// Outputs by output key (the keys of `cdk deploy --outputs-file`).
	Outputs map[string]string
	// Took is how long the deployment took (assets and stack).
	Took time.Duration
}

// Deploy deploys the stack artifact stackName of the cloud assembly in dir (cdk.out)
// with cfg's account as `cdk deploy` would:
//
//  1. the parts of `cdk bootstrap` a deployment reads: the assets bucket
//     and the bootstrap version parameter the stack artifact names;
//  2. every file asset of the stack's asset manifest to its destination
//     (directories zipped, file modes kept, so bootstrap stays executable);
//  3. the template, unchanged, through CloudFormation from its S3 asset
//     (path-style URL), with the capabilities cdk passes and the stack's
//     tags; an existing stack is updated.
//
// It waits, at most timeout, for the stack to settle and returns its
// outputs; a failure names every resource that failed and why.
func Deploy(ctx context.Context, cfg aws.Config, dir, stackName string, timeout time.Duration) (*Deployment, error) {
	start := time.Now()
	art, err := readAssembly(dir, stackName)
	if err != nil {
		return nil, err
	}
	vars := strings.NewReplacer("${AWS::AccountId}", Account, "${AWS::Region}", cfg.Region, "${AWS::Partition}", "aws")
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if err := bootstrap(ctx, cfg, s3c, art, vars); err != nil {
		return nil, fmt.Errorf("emulator: bootstrap: %w", err)
	}
	for _, a := range art.assets {
		if err := publish(ctx, s3c, dir, a, vars); err != nil {
			return nil, fmt.Errorf("emulator: asset %s: %w", a.name, err)
		}
	}
	bucket, key, ok := strings.Cut(strings.TrimPrefix(vars.Replace(art.templateURL), "s3://"), "/")
	if !ok {
		return nil, fmt.Errorf("emulator: stack template URL %q is not s3://BUCKET/KEY", art.templateURL)
	}
	// The path-style HTTPS form of the object, which cdk deploy passes too
	// (the emulator reads the bucket and key from the path; the host is
	// never resolved).
	templateURL := "https://s3." + cfg.Region + ".amazonaws.com/" + bucket + "/" + key
	cfn := cloudformation.NewFromConfig(cfg)
	id, err := createOrUpdate(ctx, cfn, art.stackName, templateURL, art.tags, timeout)
	if err != nil {
		return nil, err
	}
	outputs, err := wait(ctx, cfn, id, timeout)
	if err != nil {
		return nil, err
	}
	return &Deployment{StackName: art.stackName, StackID: id, Outputs: outputs, Took: time.Since(start)}, nil
}

type asset struct {
	name      string
	path      string // relative to the assembly
	packaging string // "zip" or "file"
	bucket    string
	key       string
}

type stackArtifact struct {
	stackName    string // the CloudFormation stack name (may differ from the artifact id)
	templateURL  string // s3:// URL of the template asset, with ${AWS::...} placeholders
	ssmParameter string // the bootstrap version parameter
	version      int    // the bootstrap version the stack requires
	tags         map[string]string
	assets       []asset
}

// readAssembly reads what Deploy needs of the cloud assembly's manifest.json
// and the stack's asset manifest.
// Format: https://github.com/aws/aws-cdk-cli/tree/main/packages/@aws-cdk/cloud-assembly-schema
func readAssembly(dir, stackName string) (*stackArtifact, error) {
	var manifest struct {
		Artifacts map[string]struct {
			Type         string          `json:"type"`
			Properties   json.RawMessage `json:"properties"`
			Dependencies []string        `json:"dependencies"`
		} `json:"artifacts"`
	}
	if err := readJSON(filepath.Join(dir, "manifest.json"), &manifest); err != nil {
		return nil, err
	}
	var names []string
	for id, a := range manifest.Artifacts {
		if a.Type != "aws:cloudformation:stack" {
			continue
		}
		names = append(names, id)
		if id != stackName {
			continue
		}
		var props struct {
			StackName                         string            `json:"stackName"`
			StackTemplateAssetObjectURL       string            `json:"stackTemplateAssetObjectUrl"`
			RequiresBootstrapStackVersion     int               `json:"requiresBootstrapStackVersion"`
			BootstrapStackVersionSsmParameter string            `json:"bootstrapStackVersionSsmParameter"`
			Tags                              map[string]string `json:"tags"`
		}
		if err := json.Unmarshal(a.Properties, &props); err != nil {
			return nil, fmt.Errorf("emulator: manifest.json: %s: %w", id, err)
		}
		if props.StackName == "" {
			props.StackName = id
		}
		if props.StackTemplateAssetObjectURL == "" {
			return nil, fmt.Errorf("emulator: %s has no template asset (synthesize with the default stack synthesizer)", id)
		}
		art := &stackArtifact{
			stackName:    props.StackName,
			templateURL:  props.StackTemplateAssetObjectURL,
			ssmParameter: props.BootstrapStackVersionSsmParameter,
			version:      props.RequiresBootstrapStackVersion,
			tags:         props.Tags,
		}
		for _, dep := range a.Dependencies {
			d, ok := manifest.Artifacts[dep]
			if !ok || d.Type != "cdk:asset-manifest" {
				continue
			}
			var p struct {
				File string `json:"file"`
			}
			if err := json.Unmarshal(d.Properties, &p); err != nil {
				return nil, err
			}
			assets, err := readAssets(filepath.Join(dir, p.File))
			if err != nil {
				return nil, err
			}
			art.assets = append(art.assets, assets...)
		}
		return art, nil
	}
	sort.Strings(names)
	return nil, fmt.Errorf("emulator: no stack %q in %s (stacks: %s)", stackName, dir, strings.Join(names, ", "))
}

func readAssets(path string) ([]asset, error) {
	var doc struct {
		Files map[string]struct {
			Source struct {
				Path      string `json:"path"`
				Packaging string `json:"packaging"`
			} `json:"source"`
			Destinations map[string]struct {
				BucketName string `json:"bucketName"`
				ObjectKey  string `json:"objectKey"`
			} `json:"destinations"`
		} `json:"files"`
		DockerImages map[string]json.RawMessage `json:"dockerImages"`
	}
	if err := readJSON(path, &doc); err != nil {
		return nil, err
	}
	if len(doc.DockerImages) > 0 {
		return nil, fmt.Errorf("emulator: %s has container image assets, which Deploy does not publish", path)
	}
	var out []asset
	for _, name := range slices.Sorted(maps.Keys(doc.Files)) {
		f := doc.Files[name]
		for _, d := range f.Destinations {
			out = append(out, asset{name: name, path: f.Source.Path, packaging: f.Source.Packaging, bucket: d.BucketName, key: d.ObjectKey})
		}
	}
	return out, nil
}

func bootstrap(ctx context.Context, cfg aws.Config, s3c *s3.Client, art *stackArtifact, vars *strings.Replacer) error {
	buckets := map[string]bool{}
	for _, a := range art.assets {
		buckets[vars.Replace(a.bucket)] = true
	}
	for b := range buckets {
		in := &s3.CreateBucketInput{Bucket: aws.String(b)}
		if cfg.Region != "us-east-1" {
			in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(cfg.Region)}
		}
		_, err := s3c.CreateBucket(ctx, in)
		var owned *s3types.BucketAlreadyOwnedByYou
		if err != nil && !errors.As(err, &owned) {
			return err
		}
	}
	if art.ssmParameter == "" {
		return nil
	}
	_, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(art.ssmParameter), Value: aws.String(strconv.Itoa(art.version)),
		Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true),
	})
	return err
}

func publish(ctx context.Context, s3c *s3.Client, dir string, a asset, vars *strings.Replacer) error {
	src := filepath.Join(dir, a.path)
	var body []byte
	var err error
	switch a.packaging {
	case "file":
		body, err = os.ReadFile(src)
	case "zip":
		body, err = zipDir(src)
	default:
		return fmt.Errorf("packaging %q is not supported", a.packaging)
	}
	if err != nil {
		return err
	}
	_, err = s3c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(vars.Replace(a.bucket)), Key: aws.String(vars.Replace(a.key)), Body: bytes.NewReader(body),
	})
	return err
}

// zipDir zips the files under dir with their modes, as cdk does for a
// directory asset.
func zipDir(dir string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		h, err := zip.FileInfoHeader(info)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		h.Name, h.Method = filepath.ToSlash(rel), zip.Deflate
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func createOrUpdate(ctx context.Context, cfn *cloudformation.Client, name, templateURL string, tags map[string]string, timeout time.Duration) (string, error) {
	caps := []cfntypes.Capability{cfntypes.CapabilityCapabilityIam, cfntypes.CapabilityCapabilityNamedIam, cfntypes.CapabilityCapabilityAutoExpand}
	var cfnTags []cfntypes.Tag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		cfnTags = append(cfnTags, cfntypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	existing, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err == nil && len(existing.Stacks) == 1 {
		st := existing.Stacks[0]
		id := aws.ToString(st.StackId)
		switch st.StackStatus {
		case cfntypes.StackStatusDeleteComplete:
		case cfntypes.StackStatusCreateFailed, cfntypes.StackStatusRollbackComplete, cfntypes.StackStatusRollbackFailed:
			// A stack that never came up cannot be updated; as cdk deploy
			// does, delete it and create it anew.
			if _, err := cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(id)}); err != nil {
				return "", fmt.Errorf("emulator: delete failed stack %s: %w", name, err)
			}
			if err := cloudformation.NewStackDeleteCompleteWaiter(cfn).Wait(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(id)}, timeout); err != nil {
				return "", fmt.Errorf("emulator: delete failed stack %s: %w", name, err)
			}
		default:
			_, err := cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{
				StackName: aws.String(id), TemplateURL: aws.String(templateURL), Capabilities: caps, Tags: cfnTags,
			})
			if err != nil && strings.Contains(err.Error(), "No updates are to be performed") {
				return id, nil
			}
			if err != nil {
				return "", fmt.Errorf("emulator: update %s: %w", name, err)
			}
			return id, nil
		}
	}
	out, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{
		StackName: aws.String(name), TemplateURL: aws.String(templateURL), Capabilities: caps, Tags: cfnTags,
		OnFailure: cfntypes.OnFailureDoNothing, // keep what failed for the report
	})
	if err != nil {
		return "", fmt.Errorf("emulator: create %s: %w", name, err)
	}
	return aws.ToString(out.StackId), nil
}

// wait polls the stack until it settles.
func wait(ctx context.Context, cfn *cloudformation.Client, id string, timeout time.Duration) (map[string]string, error) {
	deadline := time.Now().Add(timeout)
	for {
		out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(id)})
		if err != nil {
			return nil, err
		}
		if len(out.Stacks) != 1 {
			return nil, fmt.Errorf("emulator: stack %s not found", id)
		}
		st := out.Stacks[0]
		status := string(st.StackStatus)
		switch {
		case status == "CREATE_COMPLETE" || status == "UPDATE_COMPLETE":
			outputs := map[string]string{}
			for _, o := range st.Outputs {
				outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
			}
			return outputs, nil
		case !strings.HasSuffix(status, "_IN_PROGRESS"):
			return nil, fmt.Errorf("emulator: stack %s is %s (%s)%s", aws.ToString(st.StackName), status,
				aws.ToString(st.StackStatusReason), failures(ctx, cfn, id))
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("emulator: stack %s still %s after %s%s", id, status, timeout, failures(ctx, cfn, id))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// failures lists the resources that failed, with CloudFormation's reason.
func failures(ctx context.Context, cfn *cloudformation.Client, id string) string {
	var b strings.Builder
	p := cloudformation.NewDescribeStackEventsPaginator(cfn, &cloudformation.DescribeStackEventsInput{StackName: aws.String(id)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "\n  (events unavailable: " + err.Error() + ")"
		}
		for _, e := range page.StackEvents {
			if strings.HasSuffix(string(e.ResourceStatus), "_FAILED") {
				fmt.Fprintf(&b, "\n  %s %s (%s): %s", e.ResourceStatus, aws.ToString(e.LogicalResourceId),
					aws.ToString(e.ResourceType), aws.ToString(e.ResourceStatusReason))
			}
		}
	}
	return b.String()
}

func readJSON(path string, v interface{}) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("emulator: %s: %w", path, err)
	}
	return nil
}
